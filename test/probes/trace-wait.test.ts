/**
 * traceroute's adaptive wait (`-w MAX,HERE,NEAR`) and `-N squeries`: the wait rule itself
 * (probeWaitMs, parseWait), and, as root, wirelab's trace beside `traceroute -n` with the same
 * -w and -N on namespace chains under the kernel's default ICMP rate limits: hop lines and the
 * number of probes that reach the destination must agree. Each tool gets a chain of its own (a
 * host's ICMP burst is state one trace would spend for the next).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseWait, probeWaitMs, type TraceProbeResult } from '../../src/probes/trace.js';
import { diagnostics } from '../helpers/scenario.js';
import { chainOf, type Lab } from './netns-helper.js';

const isRoot = process.getuid?.() === 0;
const root = fileURLToPath(new URL('../../', import.meta.url));
const runner = fileURLToPath(new URL('./probe-runner.mjs', import.meta.url));
const tag = `w${process.pid % 10000}`;

describe('parseWait: traceroute -w MAX[,HERE,NEAR]', () => {
  it('reads the three values, commas or slashes', () => {
    expect(parseWait('5,3,10')).toEqual({ waitMs: 5000, here: 3, near: 10 });
    expect(parseWait('0.5/2/4')).toEqual({ waitMs: 500, here: 2, near: 4 });
  });
  it('MAX alone, or MAX,HERE, leaves the missing factors at 0 as traceroute does', () => {
    expect(parseWait('1')).toEqual({ waitMs: 1000, here: 0, near: 0 });
    expect(parseWait('2,3')).toEqual({ waitMs: 2000, here: 3, near: 0 });
  });
  it('refuses what traceroute refuses', () => {
    for (const bad of ['', 'x', '1,,2', '1,2,3,4', '0', '-1', '1,-2']) expect(parseWait(bad), bad).toBeUndefined();
  });
});

describe("the traceroute step's wait and simQueries", () => {
  it('takes MAX,HERE,NEAR or a duration, and says where a MAX of 0 is', () => {
    const ok = diagnostics(
      'name: t\nsteps:\n  - traceroute: { target: 127.0.0.1, wait: "1,3,10", simQueries: 90 }\n  - traceroute: { target: 127.0.0.1, wait: 2s }\n',
    );
    expect(ok).toEqual([]);
    const bad = diagnostics('name: t\nsteps:\n  - traceroute: { target: 127.0.0.1, wait: "0,3,10" }\n');
    expect(bad.map((d) => [d.line, d.code])).toEqual([[3, 'bad-value']]);
    expect(diagnostics('name: t\nsteps:\n  - traceroute: { target: 127.0.0.1, simQueries: 0 }\n').length).toBe(1);
  });
});

describe('probeWaitMs: traceroute get_timeout()', () => {
  const w = { waitMs: 5000, here: 3, near: 10 };
  const ans = (rttMs: number): TraceProbeResult => ({ address: '192.0.2.1', rttMs });
  const star: TraceProbeResult = { address: null, rttMs: null };
  const all = () => true;

  it('MAX when nothing answered yet', () => {
    expect(probeWaitMs(0, new Array(9), all, 3, w)).toBe(5000);
  });
  it('HERE x the RTT of an answer from the same hop comes first', () => {
    const r = new Array<TraceProbeResult | undefined>(9);
    r[4] = ans(2); // same hop as probe 3 (probes 3-5)
    r[6] = ans(1); // a later hop
    expect(probeWaitMs(3, r, all, 3, w)).toBe(6);
  });
  it('else NEAR x the RTT of the first answer from a later probe', () => {
    const r = new Array<TraceProbeResult | undefined>(9);
    r[3] = star; // silent probes do not count
    r[7] = ans(0.05);
    r[8] = ans(4);
    expect(probeWaitMs(0, r, all, 3, w)).toBeCloseTo(0.5, 9);
  });
  it('looks no further than the first probe not yet sent, and never past MAX', () => {
    const r = new Array<TraceProbeResult | undefined>(9);
    r[8] = ans(1);
    expect(probeWaitMs(0, r, (i) => i < 5, 3, w)).toBe(5000);
    r[4] = ans(1000);
    expect(probeWaitMs(0, r, all, 3, w)).toBe(5000);
  });
  it('a factor of 0 switches its rule off (traceroute -w 5)', () => {
    const r = new Array<TraceProbeResult | undefined>(9);
    r[1] = ans(1);
    r[5] = ans(1);
    expect(probeWaitMs(0, r, all, 3, { waitMs: 5000, here: 0, near: 0 })).toBe(5000);
    expect(probeWaitMs(0, r, all, 3, { waitMs: 5000, here: 0, near: 10 })).toBe(10);
  });
});

function run(ns: string, cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

/** `traceroute -n` output → per hop each probe's address or `*`. */
function hopsOf(text: string): string[][] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => /^\s*\d+ /.test(l))
    .map((line) => {
      const tokens = line.trim().split(/\s+/).slice(1);
      const probes: string[] = [];
      let addr = '';
      for (const t of tokens) {
        if (t === '*') probes.push('*');
        else if (/^\d+\.\d+\.\d+\.\d+$/.test(t)) addr = t;
        else if (t === 'ms') probes.push(addr);
      }
      return probes;
    });
}

beforeAll(() => {
  if (isRoot) expect(existsSync(`${root}dist/probes/ops.js`), 'build first: npm run build').toBe(true);
});

const cases = [
  // traceroute's own defaults (-w 5,3,10 -N 16): the silent router's probes wait NEAR x a later hop's RTT
  { name: 'defaults, r2 silent', routers: 3, silent: [2], silentDst: false, flags: [] as string[], opts: {} },
  // every probe in flight at once, a silent tail waiting MAX
  {
    name: '-w 1,3,10 -N 24 -m 8, r2 silent, silent destination',
    routers: 3,
    silent: [2],
    silentDst: true,
    flags: ['-w', '1,3,10', '-N', '24', '-m', '8'],
    opts: { waitMs: 1000, here: 3, near: 10, parallel: 24, maxHops: 8 },
  },
  // a sliding window: probes go out as the front ones expire (the front probe sent in the same pass)
  {
    name: '-w 1 -N 4 -m 6, silent destination',
    routers: 2,
    silent: [],
    silentDst: true,
    flags: ['-w', '1', '-N', '4', '-m', '6'],
    opts: { waitMs: 1000, parallel: 4, maxHops: 6 },
  },
];

describe.skipIf(!isRoot)('adaptive wait and -N beside traceroute, default ICMP rate limits', () => {
  const labs: Lab[] = [];
  let made = 0;
  afterEach(() => {
    for (const lab of labs.splice(0)) lab.destroy();
  });
  for (const c of cases) {
    for (const [probe, pflags] of [
      ['udp', []],
      ['icmp', ['-I']],
      ['tcp', ['-T']],
    ] as const) {
      if (c.silentDst && probe === 'tcp') continue;
      it(`${c.name}, ${probe}: hop lines and probes at the destination as traceroute's`, async () => {
        const n = made++;
        const mineLab = chainOf(`${tag}${n}a`, c.routers, c);
        labs.push(mineLab);
        const peerLab = chainOf(`${tag}${n}b`, c.routers, c);
        labs.push(peerLab);
        await Promise.all([mineLab, peerLab].map((l) => run(l.cli, 'ping', ['-n', '-c', '1', '-W', '1', l.dst]).catch(() => '')));
        const [mineBefore, peerBefore] = [mineLab.dstReceived(), peerLab.dstReceived()];
        const mine = JSON.parse(
          await run(mineLab.cli, process.execPath, [
            runner,
            JSON.stringify({ op: 'trace', args: { target: mineLab.dst, probe, allow: ['203.0.113.0/24'], ...c.opts } }),
          ]),
        ) as {
          hops: { probes: { address: string | null }[] }[];
        };
        const peer = hopsOf(await run(peerLab.cli, 'traceroute', ['-n', ...pflags, ...c.flags, peerLab.dst]));
        const [mineGot, peerGot] = [mineLab.dstReceived() - mineBefore, peerLab.dstReceived() - peerBefore];
        expect(mine.hops.map((h) => h.probes.map((p) => p.address ?? '*'))).toEqual(peer);
        if (c.silentDst) expect(mineGot, "every probe with TTL >= the destination's hop reaches it").toBe(peerGot);
        else if (probe === 'udp') {
          // UDP traceroute reads every ready answer before it sends more, as wirelab does: a
          // few probes of slack for answers read a poll later
          expect(mineGot, `probes at the destination: wirelab ${mineGot}, traceroute ${peerGot}`).toBeLessThanOrEqual(peerGot + 3);
          expect(mineGot, `probes at the destination: wirelab ${mineGot}, traceroute ${peerGot}`).toBeGreaterThanOrEqual(
            Math.max(1, peerGot - 3),
          );
        } else {
          // traceroute -I/-T read answers after their sends, so they send past the destination's hop
          expect(mineGot, `probes at the destination: wirelab ${mineGot}, traceroute ${peerGot}`).toBeLessThanOrEqual(peerGot);
          expect(mineGot).toBeGreaterThanOrEqual(1);
        }
      });
    }
  }
});
