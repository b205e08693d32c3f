import { PreconditionError } from '../errors.js';
import { ipFamily } from '../util/ip.js';
import type { ResolveBody } from '../generated/scenario.js';
import type { StepRunContext } from './context.js';
import { defineStep } from './kind.js';
import { answerData } from '../dns/client.js';

const ANSWER_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'TXT'] as const;

function isServerLiteral(s: string): boolean {
  return ipFamily(s) !== 0 || /^\[[^\]]+\](:\d+)?$/.test(s) || (s.includes(':') && ipFamily(s.slice(0, s.lastIndexOf(':'))) === 4);
}

/** The server to ask: the step's (address or fixture), else the host's resolver. */
function serverFor(b: ResolveBody, ctx: StepRunContext): string {
  if (b.server !== undefined) {
    if (isServerLiteral(b.server)) return b.server;
    const f = ctx.run.fixtures.get(b.server);
    if (!f) throw new PreconditionError(`fixture ${b.server} is not running (its serve step did not succeed)`);
    return ipFamily(f.address) === 6 ? `[${f.address}]:${f.port}` : `${f.address}:${f.port}`;
  }
  const r = ctx.run.resolvers.get(b.on ?? 'local');
  if (!r)
    throw new Error(`host ${b.on ?? 'local'} has no resolver: give the step a "server" (an address, or the name of a serve: dns fixture)`);
  return r.nameservers[0];
}

const norm = (s: string) => s.replace(/\.$/, '').toLowerCase();
const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].map(norm).sort().join() === [...b].map(norm).sort().join();

export const resolve = defineStep({
  kind: 'resolve',
  describe: (b) => `resolve ${b.name} (${(b.types ?? ['A', 'AAAA']).join(', ')})`,
  host: (b) => b.on ?? 'local',
  defaultTimeoutMs: 30_000,
  check(b, scope) {
    scope.host(b.on, ['on']);
    if (b.server !== undefined && !isServerLiteral(b.server)) scope.use('fixture', b.server, ['server']);
  },
  async run(b, ctx) {
    const hostName = b.on ?? 'local';
    const resolver = ctx.run.resolvers.get(hostName);
    const result = await ctx.host(hostName).call('resolve', {
      name: b.name,
      types: b.types ?? ['A', 'AAAA'],
      server: serverFor(b, ctx),
      search: b.search ?? resolver?.search ?? [],
      ndots: b.ndots ?? resolver?.ndots ?? 1,
      allow: ctx.run.allowedTargets,
    });
    ctx.detail('probe', { kind: 'resolve', ...result, defaultTypes: b.types === undefined });
    const e = b.expect ?? {};
    for (const t of ANSWER_TYPES) {
      const want = e[t];
      if (want === undefined) continue;
      const got = answerData(result, t);
      ctx.check({
        title: `${t} answer`,
        expected: want.length ? want.join(', ') : 'no records',
        actual: got.length ? got.join(', ') : 'no records',
        passed: sameSet(want, got),
      });
    }
    if (e.rcode !== undefined)
      ctx.check({ title: 'response code', expected: e.rcode, actual: result.rcode, passed: e.rcode === result.rcode });
    if (e.queries !== undefined) {
      const got = result.transactions.map((t) => `${t.question.type} ${norm(t.question.name)} ${t.rcode ?? t.error ?? 'no answer'}`);
      const want = e.queries.map((q) => q.replace(/ (\S+) /, (_, n: string) => ` ${norm(n)} `));
      const right = want.filter((q, i) => got[i] === q).length;
      ctx.check({
        title: 'queries in order',
        expected: want.join('; '),
        actual: got.join('; '),
        passed: right === want.length && got.length === want.length,
        fraction: right / Math.max(want.length, got.length, 1),
      });
    }
  },
});
