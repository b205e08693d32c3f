/**
 * nmap's timing controls beside nmap (root only): the same -T template or RTT/retry options
 * give the same port states, and a SYN scan sends as many SYNs to each filtered port as nmap
 * (its --packet-trace), on a firewalled server namespace with the kernel's default sysctls.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNs, type Lab, serverPair } from './netns-helper.js';
import { nmapStates } from './peers.js';

const isRoot = process.getuid?.() === 0;
const root = fileURLToPath(new URL('../../', import.meta.url));
const runner = fileURLToPath(new URL('./probe-runner.mjs', import.meta.url));
const tag = `t${process.pid % 10000}`;

interface Scan {
  ports: { port: number; state: string }[];
  probes: { port: number }[];
}

/** SYNs nmap sent per destination port, from `--packet-trace`. */
function nmapSyns(ns: string, flags: string[], ports: string): Map<number, number> {
  const out = inNs(ns, 'nmap', ['-n', '-Pn', '--packet-trace', ...flags, '-p', ports, '198.51.100.2']);
  const n = new Map<number, number>();
  for (const m of out.matchAll(/^SENT .* TCP [\d.]+:\d+ > 198\.51\.100\.2:(\d+) S /gm)) n.set(Number(m[1]), (n.get(Number(m[1])) ?? 0) + 1);
  return n;
}

const cases = [
  { flags: ['-sS', '-T5'], method: 'syn', opts: { timing: 5 } },
  { flags: ['-sS', '-T4', '--max-retries', '0'], method: 'syn', opts: { timing: 4, maxRetries: 0 } },
  {
    flags: ['-sS', '--initial-rtt-timeout', '100ms', '--max-rtt-timeout', '200ms'],
    method: 'syn',
    opts: { initialTimeoutMs: 100, maxTimeoutMs: 200 },
  },
  { flags: ['-sT', '-T4'], method: 'connect', opts: { timing: 4 } },
  { flags: ['-sT', '-T5', '--max-retries', '1'], method: 'connect', opts: { timing: 5, maxRetries: 1 } },
] as const;

describe.skipIf(!isRoot)('nmap timing options beside nmap', () => {
  const spec = { open: [50007, 50008], reset: [50000, 50001], drop: [50002, 50003, 50004, 50005, 50006, 50009] };
  let lab: (Lab & { cli: string; srv: string }) | undefined;
  beforeAll(async () => {
    expect(existsSync(`${root}dist/probes/ops.js`), 'build first: npm run build').toBe(true);
    lab = await serverPair(tag, spec);
  });
  afterAll(() => lab?.destroy());

  for (const c of cases) {
    it(`nmap ${c.flags.join(' ')}: the same states${c.method === 'syn' ? ' and SYNs per port' : ''}`, () => {
      const mine = JSON.parse(
        inNs(lab!.cli, process.execPath, [
          runner,
          JSON.stringify({
            op: 'scan',
            args: { target: '198.51.100.2', ports: '50000-50009', method: c.method, allow: ['198.51.100.0/24'], ...c.opts },
          }),
        ]),
      ) as Scan;
      const peer = nmapStates([...c.flags], '198.51.100.2', '50000-50009', lab!.cli);
      const states = new Map(mine.ports.map((p) => [p.port, p.state]));
      for (let p = 50000; p <= 50009; p++) expect(states.get(p), `port ${p}`).toBe(peer.get(p));
      for (const p of spec.drop) expect(states.get(p)).toBe('filtered');
      if (c.method === 'syn') {
        const peerSyns = nmapSyns(lab!.cli, [...c.flags], '50000-50009');
        for (let p = 50000; p <= 50009; p++) {
          expect(mine.probes.filter((r) => r.port === p).length, `SYNs to port ${p}`).toBe(peerSyns.get(p) ?? 0);
        }
      }
    });
  }
});
