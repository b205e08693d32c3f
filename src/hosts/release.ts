import type { HostOp } from './context.js';

/** Releases one tracked resource now (a no-op when it is already gone). */
export const release: HostOp<{ id: string }, Record<string, never>> = async ({ id }, ctx) => {
  await ctx.release(id);
  return {};
};
