import { ipFamily } from '../util/ip.js';
import { durationMs } from '../util/duration.js';
import type { StepRunContext } from './context.js';
import { parseWait, type TraceHop } from '../probes/trace.js';
import { defineStep } from './kind.js';
import { checkTarget, nameOf, targetAddress } from './target.js';

/** Does a hop match `*` (all silent), a host name (any of its addresses) or an address? */
function hopMatches(want: string, hop: TraceHop | undefined, ctx: StepRunContext): boolean {
  const answered = (hop?.probes ?? []).map((p) => p.address).filter((a): a is string => a !== null);
  if (want === '*') return answered.length === 0;
  const addrs = ipFamily(want) ? [want] : (ctx.run.addresses.get(want) ?? []);
  return answered.length > 0 && answered.every((a) => addrs.includes(a));
}

function showHop(hop: TraceHop | undefined, ctx: StepRunContext): string {
  if (!hop) return '(no hop)';
  const addrs = [...new Set(hop.probes.map((p) => p.address))];
  return addrs.every((a) => a === null)
    ? '*'
    : addrs
        .filter((a) => a !== null)
        .map((a) => nameOf(a, ctx))
        .join(' / ');
}

export const traceroute = defineStep({
  kind: 'traceroute',
  describe: (b) => `traceroute${b.probe && b.probe !== 'udp' ? ` (${b.probe})` : ''} to ${b.target}`,
  host: (b) => b.from ?? 'local',
  defaultTimeoutMs: 120_000,
  check(b, scope) {
    scope.host(b.from, ['from']);
    checkTarget(b.target, scope, ['target']);
    if (typeof b.wait === 'string' && b.wait.includes(',')) {
      if (!parseWait(b.wait))
        scope.error(['wait'], 'bad-value', `wait "${b.wait}": MAX must be more than 0 and at most 3600 s, as in traceroute -w 5,3,10`);
    } else scope.duration(b.wait, ['wait']);
    (b.expect?.hops ?? []).forEach((h, i) => {
      if (h !== '*' && !ipFamily(h)) scope.host(h, ['expect', 'hops', i]);
    });
  },
  async run(b, ctx) {
    const result = await ctx.host(b.from ?? 'local').call('trace', {
      target: targetAddress(b.target, ctx),
      probe: b.probe ?? 'udp',
      maxHops: b.maxHops ?? 30,
      // traceroute's -w: MAX,HERE,NEAR, or a duration as MAX alone; absent, traceroute's 5,3,10
      ...(typeof b.wait === 'string' && b.wait.includes(',')
        ? parseWait(b.wait)
        : b.wait !== undefined
          ? { waitMs: durationMs(b.wait, 5000) }
          : {}),
      ...(b.simQueries !== undefined ? { parallel: b.simQueries } : {}),
      allow: ctx.run.allowedTargets,
    });
    ctx.detail('probe', { kind: 'traceroute', ...result });
    const e = b.expect;
    if (e?.hops) {
      const byTtl = new Map(result.hops.map((h) => [h.ttl, h]));
      const ok = e.hops.map((want, i) => hopMatches(want, byTtl.get(i + 1), ctx));
      const firstBad = ok.indexOf(false);
      ctx.check({
        title: 'hops',
        expected: e.hops.map((h, i) => `${i + 1} ${h}`).join(', '),
        actual: e.hops.map((_, i) => `${i + 1} ${showHop(byTtl.get(i + 1), ctx)}`).join(', '),
        passed: firstBad < 0,
        fraction: ok.filter(Boolean).length / ok.length,
        ...(firstBad >= 0
          ? { detail: `hop ${firstBad + 1}: expected ${e.hops[firstBad]}, got ${showHop(byTtl.get(firstBad + 1), ctx)}` }
          : {}),
      });
    }
    if (e?.reached !== undefined) {
      ctx.check({
        title: 'destination reached',
        expected: String(e.reached),
        actual: String(result.destinationReached),
        passed: e.reached === result.destinationReached,
      });
    }
  },
});
