import type { HostOp } from './context.js';

/**
 * Every operation a host can perform, by name. One line per module; the agent inside a
 * namespace serves exactly this table, so adding an op here makes it work on every host.
 */
export const hostOps = {} satisfies Record<string, HostOp>;

export type HostOps = typeof hostOps;
