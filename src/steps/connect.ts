import { PreconditionError } from '../errors.js';
import { ipFamily } from '../util/ip.js';
import type { StepRunContext } from './context.js';
import { defineStep } from './kind.js';
import { checkTarget } from '../probes/target.js';
import { durationMs } from '../util/duration.js';

/** `NAME`, `HOST:PORT`, `IP:PORT` or `[IPv6]:PORT`. */
export function parseTarget(to: string): { name?: string; host?: string; port?: number } {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(to);
  if (v6) return { host: v6[1], port: Number(v6[2]) };
  const m = /^([^:]+):(\d+)$/.exec(to);
  if (m) return { host: m[1], port: Number(m[2]) };
  return { name: to };
}

/** Turns a target into an address and port, through fixtures and host names. */
export function resolveTarget(to: string, ctx: StepRunContext): { address: string; port: number } {
  const t = parseTarget(to);
  if (t.name !== undefined) {
    const f = ctx.run.fixtures.get(t.name);
    if (!f) throw new PreconditionError(`fixture ${t.name} is not running (its serve step did not succeed)`);
    const address = f.address === '0.0.0.0' ? '127.0.0.1' : f.address === '::' ? '::1' : f.address;
    return { address, port: f.port };
  }
  const address = ipFamily(t.host!) ? t.host! : ctx.run.addresses.get(t.host!)?.[0];
  if (!address) throw new Error(`host ${t.host} has no address`);
  return { address, port: t.port! };
}

/** How long a connection attempt waits for an answer: `wait:`, else 2 s when a timeout is expected (a filtered port), else 5 s. */
export function connectWaitMs(b: { expect?: 'open' | 'refused' | 'timeout'; wait?: number | string }): number {
  return durationMs(b.wait) ?? (b.expect === 'timeout' ? CONNECT_WAIT_FILTERED_MS : CONNECT_WAIT_MS);
}
export const CONNECT_WAIT_MS = 5000;
export const CONNECT_WAIT_FILTERED_MS = 2000;

export const connect = defineStep({
  kind: 'connect',
  describe: (b) => `connect to ${b.to} as ${b.as}`,
  host: (b) => b.from ?? 'local',
  defaultTimeoutMs: 10_000,
  check(b, scope) {
    scope.host(b.from, ['from']);
    const t = parseTarget(b.to);
    const slip = /^(\[[^\]]+\]|[^\s/:]+)\s*[/ ]\s*(\d+)$/.exec(b.to);
    if (t.name !== undefined && slip)
      scope.error(['to'], 'bad-target', `"${b.to}" is neither a fixture nor a host and port; use host:port: ${slip[1]}:${slip[2]}`);
    else if (t.name !== undefined) scope.use('fixture', t.name, ['to']);
    else if (t.port! > 65535) scope.error(['to'], 'bad-value', `port ${t.port} is out of range (1-65535)`);
    else if (!ipFamily(t.host!)) scope.host(t.host, ['to']);
    scope.define('conn', b.as, ['as']);
    scope.duration(b.wait, ['wait']);
  },
  async run(b, ctx) {
    const hostName = b.from ?? 'local';
    ctx.run.connectionHosts.set(b.as, hostName);
    const host = ctx.host(hostName);
    const { address, port } = resolveTarget(b.to, ctx);
    // Traffic goes only to loopback, the topology, or what the user allowed.
    checkTarget(address, ctx.run.allowedTargets);
    const want = b.expect ?? 'open';
    const timeoutMs = Math.max(1, Math.min(connectWaitMs(b), ctx.timeLeftMs() - 100));
    const r = await host.call('connOpen', { address, port, timeoutMs });
    if (r.id) {
      const id = r.id;
      ctx.onTeardown(`connection ${b.as}`, () => host.call('release', { id }));
      ctx.run.connections.set(b.as, { host: hostName, id, local: r.local!, remote: r.remote! });
      ctx.run.endpoints.set(b.as, r.local!);
    }
    ctx.detail('connection', {
      name: b.as,
      outcome: r.outcome,
      waitMs: timeoutMs,
      ...(r.local ? { local: r.local, remote: r.remote } : { remote: `${address}:${port}` }),
    });
    ctx.transcript({
      dir: 'info',
      conn: b.as,
      text: r.outcome === 'open' ? `connected ${r.local} → ${r.remote}` : `${r.outcome}: ${r.error ?? ''}`.trim(),
    });
    ctx.check({ title: `connect to ${b.to}`, expected: want, actual: r.outcome, passed: r.outcome === want });
  },
});
