/**
 * Differential traceroute tests under the kernel's default ICMP rate limits (root only): chains
 * of 0-6 routers, with silent routers and silent destinations, wirelab's trace beside
 * `traceroute -n` (UDP), `-I` and `-T`. Hops and stars must agree, and wirelab's shortest RTT
 * must be within 2x of traceroute's on the same path or within 50 µs of it (the shortest, not
 * the median: see the RTT comparison below).
 *
 * For the hops each tool gets a chain of its own, built alike: a host's ICMP rate limit (a burst
 * of 6 errors per destination, then one a second) is state that one trace spends and the next
 * one would find spent. The RTT reference for ICMP and TCP is `traceroute -I/-T -N 1`: with 16
 * probes at once, traceroute -I/-T time an answer when they get to read it, after the other
 * sends (0.3-0.8 ms on these paths), while its UDP mode and `-N 1` read the kernel's timestamps.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chainHop, chainOf, type Lab } from './netns-helper.js';

const isRoot = process.getuid?.() === 0;
const root = fileURLToPath(new URL('../../', import.meta.url));
const runner = fileURLToPath(new URL('./probe-runner.mjs', import.meta.url));
const tag = String(process.pid % 100000);

interface Trace {
  hops: { ttl: number; probes: { address: string | null; rttMs: number | null }[]; reached: boolean }[];
  destinationReached: boolean;
  engine: string;
  timeSource: string;
}

function run(ns: string, cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

async function wirelab(ns: string, args: object): Promise<Trace> {
  return JSON.parse(await run(ns, process.execPath, [runner, JSON.stringify({ op: 'trace', args })])) as Trace;
}

/** `traceroute -n` output → per hop each probe's address or `*`, and every RTT it printed. */
function parseTraceroute(text: string): { hops: string[][]; rtts: number[] } {
  const rtts: number[] = [];
  const hops = text
    .split('\n')
    .slice(1)
    .filter((l) => /^\s*\d+ /.test(l))
    .map((line) => {
      const tokens = line.trim().split(/\s+/).slice(1);
      const probes: string[] = [];
      let addr = '';
      tokens.forEach((t, i) => {
        if (t === '*') probes.push('*');
        else if (/^\d+\.\d+\.\d+\.\d+$/.test(t)) addr = t;
        else if (t === 'ms') {
          probes.push(addr);
          rtts.push(Number(tokens[i - 1]));
        }
      });
      return probes;
    });
  return { hops, rtts };
}

const shortest = (xs: number[]) => Math.min(...xs);

/** The issue's rule: within 2x of the peer's, or within 50 µs of it. */
function closeEnough(mine: number, peer: number): boolean {
  return (mine <= 2 * peer && peer <= 2 * mine) || Math.abs(mine - peer) <= 0.05;
}

beforeAll(() => {
  if (isRoot) expect(existsSync(`${root}dist/probes/ops.js`), 'build first: npm run build').toBe(true);
});

const cases = [
  { routers: 0, silent: [], silentDst: false },
  { routers: 1, silent: [], silentDst: false },
  { routers: 2, silent: [1], silentDst: false },
  { routers: 3, silent: [], silentDst: false },
  { routers: 3, silent: [2], silentDst: true },
  { routers: 6, silent: [3], silentDst: false },
];

describe.skipIf(!isRoot)('trace under the kernel default ICMP rate limits, beside traceroute', () => {
  for (const c of cases) {
    const name = `${c.routers} router${c.routers === 1 ? '' : 's'}${c.silent.length ? `, r${c.silent.join(',r')} silent` : ''}${c.silentDst ? ', silent destination' : ''}`;
    describe(name, () => {
      const labs: Lab[] = [];
      let made = 0;
      const destroyAll = () => {
        for (const lab of labs.splice(0)) lab.destroy();
      };
      afterEach(destroyAll);
      afterAll(destroyAll);
      for (const [probe, flags] of [
        ['udp', []],
        ['icmp', ['-I']],
        ['tcp', ['-T']],
      ] as const) {
        it(`${probe}: traceroute -n ${flags.join(' ')}'s hops and stars, RTTs of the same size`, async () => {
          const n = made++;
          const mineLab = chainOf(`${tag}${n}a`, c.routers, c);
          labs.push(mineLab);
          const peerLab = chainOf(`${tag}${n}b`, c.routers, c);
          labs.push(peerLab);
          // one echo request resolves every neighbour on the path (a fresh chain's first probes
          // would wait for ARP); echo replies spend no ICMP error budget. The tools run one after
          // the other: on two cores, side by side they time each other's scheduling.
          await Promise.all([mineLab, peerLab].map((l) => run(l.cli, 'ping', ['-n', '-c', '1', '-W', '1', l.dst]).catch(() => '')));
          const [mineBefore, peerBefore] = [mineLab.dstReceived(), peerLab.dstReceived()];
          const mine = await wirelab(mineLab.cli, { target: mineLab.dst, probe, maxHops: 8, waitMs: 1000, allow: ['203.0.113.0/24'] });
          const peerText = await run(peerLab.cli, 'traceroute', ['-n', ...flags, '-m', '8', '-w', '1', peerLab.dst]);
          const peer = parseTraceroute(peerText);
          // the destination's ICMP burst goes to as many probes as traceroute's: UDP traceroute
          // reads every ready answer before sending more, so probes stop at the destination's hop
          // as soon as its answer is in; a few probes of slack for answers read a poll later
          if (probe === 'udp') {
            const [mineGot, peerGot] = [mineLab.dstReceived() - mineBefore, peerLab.dstReceived() - peerBefore];
            expect(mineGot, `probes at the destination: wirelab ${mineGot}, traceroute ${peerGot}`).toBeLessThanOrEqual(peerGot + 3);
          }
          expect(mine.hops.map((h) => h.probes.map((p) => p.address ?? '*'))).toEqual(peer.hops);
          // the shape itself, not only agreement: silent routers are stars, the trace stops at the destination
          const hopsWanted = c.silentDst ? 8 : c.routers + 1;
          expect(mine.hops.length).toBe(hopsWanted);
          for (let k = 1; k <= hopsWanted; k++) {
            const silent = c.silent.includes(k) || (k > c.routers && c.silentDst);
            expect(
              mine.hops[k - 1].probes.map((p) => p.address),
              `hop ${k}`,
            ).toEqual(silent ? [null, null, null] : [chainHop(k, c.routers), chainHop(k, c.routers), chainHop(k, c.routers)]);
          }
          expect(mine.destinationReached).toBe(!c.silentDst);
          expect(mine).toMatchObject({ engine: 'native', timeSource: 'kernel' });

          // RTTs: first of the same runs; for ICMP and TCP the reference is traceroute -N 1 on its
          // chain (echo replies, SYN/ACKs and RSTs are not rate-limited). On a shared two-core
          // machine a tool descheduled mid-trace (a softirq deferred to ksoftirqd) makes a round's
          // RTTs up to a jiffy (1 ms) longer, for either tool, and under a loaded test run that
          // happens to most probes of a round (seen: medians of 0.025 ms against 1.04 ms, then the
          // other way round). Such delays only ever add, so the shortest RTT of a round is the
          // path's own latency as each tool measures it; a tool that timed answers when it read
          // them rather than by the kernel's timestamps would be off in every probe, the shortest
          // included. A round that still differs is measured again, up to the destination's hop,
          // at most three rounds in all.
          const rttsOf = (t: Trace) => t.hops.flatMap((h) => h.probes.map((p) => p.rttMs)).filter((r): r is number => r !== null);
          const referenceRun = async (maxHops: number) =>
            parseTraceroute(
              await run(peerLab.cli, 'traceroute', [
                '-n',
                ...flags,
                ...(probe === 'udp' ? [] : ['-N', '1']),
                '-m',
                String(maxHops),
                '-w',
                '1',
                peerLab.dst,
              ]),
            ).rtts;
          let rtts = rttsOf(mine);
          let reference = probe === 'udp' ? peer.rtts : await referenceRun(8);
          const rounds: string[] = [];
          for (let round = 1; ; round++) {
            expect(rtts.length).toBeGreaterThan(0);
            expect(reference.length).toBeGreaterThan(0);
            const [m, p] = [shortest(rtts), shortest(reference)];
            rounds.push(`wirelab ${m} ms / traceroute ${p} ms`);
            if (closeEnough(m, p) || round === 3) {
              expect(closeEnough(m, p), `shortest RTTs per round: ${rounds.join(', ')}`).toBe(true);
              break;
            }
            await new Promise((r) => setTimeout(r, 1000));
            rtts = rttsOf(
              await wirelab(mineLab.cli, { target: mineLab.dst, probe, maxHops: c.routers + 1, waitMs: 1000, allow: ['203.0.113.0/24'] }),
            );
            reference = await referenceRun(c.routers + 1);
          }
        });
      }
    });
  }

  it("the portable path says its times are not the kernel's", async () => {
    const lab = chainOf(`${tag}p`, 1);
    try {
      const res = await wirelab(lab.cli, {
        target: lab.dst,
        probe: 'icmp',
        maxHops: 4,
        waitMs: 1000,
        portable: true,
        allow: ['203.0.113.0/24'],
      });
      expect(res).toMatchObject({ engine: 'portable', timeSource: 'userspace', destinationReached: true });
    } finally {
      lab.destroy();
    }
  });
});
