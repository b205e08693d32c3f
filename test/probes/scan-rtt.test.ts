/**
 * The scan's latency (nmap's srtt, the report's `Host is up (… latency)` line) beside nmap's
 * and ping's on the same namespace path, with the kernel's default sysctls (root only): within
 * 2x or within 50 µs (SYN scans beside ping: 3x or 100 µs, see below). The probes hit closed ports (RSTs, which no ICMP limit touches).
 *
 * A SYN scan is compared with `nmap -sS` (pcap timestamps) and ping (SO_TIMESTAMP); connect and
 * UDP scans with ping only (a UDP scan spends the destination's ICMP burst, nmap -sU would find
 * it spent): `nmap -sT` times a connect when its select loop sees it, about 0.14 ms
 * on a path where ping and SYN scans see 0.03-0.07 ms.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOf, inNs, type Lab } from './netns-helper.js';

const isRoot = process.getuid?.() === 0;
const root = fileURLToPath(new URL('../../', import.meta.url));
const runner = fileURLToPath(new URL('./probe-runner.mjs', import.meta.url));

interface Scan {
  engine: string;
  timeSource: string;
  srttMs?: number;
}

const closeEnough = (mine: number, peer: number) => (mine <= 2 * peer && peer <= 2 * mine) || Math.abs(mine - peer) <= 0.05;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.skipIf(!isRoot)('scan latency beside nmap and ping', () => {
  let lab: (Lab & { cli: string; dst: string }) | undefined;
  beforeAll(() => {
    expect(existsSync(`${root}dist/probes/ops.js`), 'build first: npm run build').toBe(true);
    lab = chainOf(`${process.pid % 100000}sr`, 3);
    spawnSync('ip', ['netns', 'exec', lab.cli, 'ping', '-n', '-c', '1', '-W', '1', lab.dst]); // resolves the neighbours
  });
  afterAll(() => lab?.destroy());

  // UDP: five closed ports, so the port-unreachables fit the destination's ICMP burst of 6
  const scan = (method: string): Scan =>
    JSON.parse(
      inNs(lab!.cli, process.execPath, [
        runner,
        JSON.stringify({
          op: 'scan',
          args: { target: lab!.dst, ports: method === 'udp' ? '80-84' : '80-89', method, allow: ['203.0.113.0/24'] },
        }),
      ]),
    ) as Scan;
  const nmapLatency = (flag: string) => {
    const m = /Host is up \(([\d.]+)s latency\)/.exec(inNs(lab!.cli, 'nmap', ['-n', '-Pn', flag, '-p', '80-89', lab!.dst]));
    return Number(m![1]) * 1000;
  };
  const pingMedian = () => {
    const out = inNs(lab!.cli, 'ping', ['-n', '-c', '5', '-i', '0.05', lab!.dst]);
    return median([...out.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])));
  };

  /** On a shared two-core machine a descheduled round is measured again, at most three rounds. */
  function compare(method: string, peers: { name: string; measure: () => number; near?: (mine: number, peer: number) => boolean }[]): void {
    const rounds: string[] = [];
    for (let round = 1; ; round++) {
      const mine = scan(method);
      expect(mine).toMatchObject({ engine: 'native', timeSource: method === 'connect' ? 'native' : 'kernel' });
      expect(mine.srttMs).toBeGreaterThan(0);
      const theirs = peers.map((p) => ({ name: p.name, ms: p.measure(), near: p.near ?? closeEnough }));
      rounds.push(`wirelab ${mine.srttMs} ms, ${theirs.map((t) => `${t.name} ${t.ms} ms`).join(', ')}`);
      const ok = theirs.every((t) => t.near(mine.srttMs!, t.ms));
      if (ok || round === 3) {
        expect(ok, rounds.join(' | ')).toBe(true);
        return;
      }
    }
  }

  it('SYN scan: the latency of nmap -sS and of ping', () => {
    compare('syn', [
      { name: 'nmap -sS', measure: () => nmapLatency('-sS') },
      // ping times its own echo round trip, which on this path can run well above a SYN/RST's
      // (a CI run: nmap -sS 0.039 ms, wirelab 0.036 ms, ping 0.095 ms): beside nmap, which times
      // the same packets, 2x or 50 µs; beside ping only within 3x or 100 µs
      { name: 'ping', measure: pingMedian, near: (mine, peer) => (mine <= 3 * peer && peer <= 3 * mine) || Math.abs(mine - peer) <= 0.1 },
    ]);
  });

  it('connect scan: the latency of ping', () => {
    // as for SYN scans: ping times its own echo round trip, which runs above a SYN/RST's on this
    // path (a run: wirelab 0.06 ms, ping 0.135 ms), so within 3x or 100 µs
    compare('connect', [
      { name: 'ping', measure: pingMedian, near: (mine, peer) => (mine <= 3 * peer && peer <= 3 * mine) || Math.abs(mine - peer) <= 0.1 },
    ]);
  });

  it('UDP scan (port-unreachables from the error queue): the latency of ping', () => {
    compare('udp', [{ name: 'ping', measure: pingMedian }]);
  });
});
