import type { HostContext, HostOp } from '../hosts/context.js';
import { release } from '../hosts/release.js';
import type { connOps } from '../net/conn.js';
import type { udpOps } from '../net/udp.js';
import type { fixtureOps } from '../servers/ops.js';
import type { exec } from '../exec/exec.js';
import type { probeOps } from '../probes/ops.js';
import type { dnsOps } from '../dns/ops.js';
import type { captureOps } from '../packets/capture/ops.js';

/**
 * The ops of one module, loaded on the first call of any of them: a host thread (or agent) that
 * only captures and connects never compiles the servers, scanners or DNS code. `names` lists
 * every op of the module; the mapped type makes a missing or extra name a compile error.
 */
function lazyOps<T extends Record<string, HostOp>>(names: { [K in keyof T]: true }, load: () => Promise<T>): T {
  let mod: Promise<T> | undefined;
  const call = (name: keyof T & string) => async (args: unknown, ctx: HostContext) => {
    const op = (await (mod ??= load()))[name] as unknown as (a: unknown, c: HostContext) => Promise<unknown>;
    return op(args, ctx);
  };
  return Object.fromEntries(Object.keys(names).map((n) => [n, call(n)])) as unknown as T;
}

/**
 * Every operation a host can perform, by name. One entry per module (its op names and its
 * loader); the agent inside a namespace (./agent-main.ts) and a host thread serve exactly this
 * table and a LocalHost is given it, so adding an op here makes it work on every host. It sits
 * above the domains it lists: they know only the host contract (src/hosts/context.ts), never
 * this table.
 */
export const hostOps = {
  ...lazyOps<typeof connOps>({ connOpen: true, connSend: true, connRead: true, connClose: true }, () =>
    import('../net/conn.js').then((m) => m.connOps),
  ),
  ...lazyOps<typeof fixtureOps>({ fixtureStart: true, fixtureStop: true }, () => import('../servers/ops.js').then((m) => m.fixtureOps)),
  ...lazyOps<{ exec: typeof exec }>({ exec: true }, () => import('../exec/exec.js').then((m) => ({ exec: m.exec }))),
  ...lazyOps<typeof udpOps>({ udpExchange: true }, () => import('../net/udp.js').then((m) => m.udpOps)),
  release,
  ...lazyOps<typeof probeOps>({ scan: true, trace: true }, () => import('../probes/ops.js').then((m) => m.probeOps)),
  ...lazyOps<typeof dnsOps>({ dnsServe: true, dnsTransactions: true, resolve: true }, () => import('../dns/ops.js').then((m) => m.dnsOps)),
  ...lazyOps<typeof captureOps>({ captureStart: true, captureStop: true }, () =>
    import('../packets/capture/ops.js').then((m) => m.captureOps),
  ),
} satisfies Record<string, HostOp>;

export type HostOps = typeof hostOps;

// Types `Host.call` by this table (the contract declares the interface empty, so hosts/
// imports nothing from above it).
declare module '../hosts/host.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
  interface HostOpTable extends HostOps {}
}
