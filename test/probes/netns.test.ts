/**
 * Differential tests in namespaces (root only): our scanner runs inside the client namespace
 * (`ip netns exec`, importing dist/) beside nmap on the same targets. Traces: trace-defaults.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatNmap } from '../../src/probes/format-nmap.js';
import type { ScanResult } from '../../src/probes/scan-types.js';
import { inNs, Lab, serverPair } from './netns-helper.js';
import { nmapStates } from './peers.js';

const isRoot = process.getuid?.() === 0;
const root = fileURLToPath(new URL('../../', import.meta.url));
const runner = fileURLToPath(new URL('./probe-runner.mjs', import.meta.url));
const tag = String(process.pid % 100000);

function runProbe<T>(ns: string, op: 'scan', args: object): T {
  return JSON.parse(inNs(ns, process.execPath, [runner, JSON.stringify({ op, args })])) as T;
}

interface Scan {
  ports: { port: number; state: string; reason: string }[];
  probesSent: number;
  elapsedMs: number;
}

// The probes run from dist/, which `npm test` builds before vitest starts. This file must not
// rebuild it: other test files run wirelab from dist/ at the same time, and a module rewritten
// under an import made one of their runs fail (exit 4, seen once in CI on the fork-bomb grade).
beforeAll(() => {
  if (isRoot) expect(existsSync(`${root}dist/probes/ops.js`), 'build first: npm run build').toBe(true);
});

describe.skipIf(!isRoot)('scan a firewalled server namespace', () => {
  let lab: (Lab & { cli: string; srv: string }) | undefined;
  const spec = { open: [50007, 50008], reset: [50000, 50001], drop: [50002, 50003, 50004, 50005, 50006, 50009] };
  beforeAll(async () => {
    expect(existsSync(`${root}dist/probes/ops.js`)).toBe(true);
    // no ICMP errors here (RSTs and drops): the kernel's default ICMP limits
    lab = await serverPair(`${tag}s`, spec);
  });
  afterAll(() => lab?.destroy());

  const engines = [
    ['native', false],
    ['portable', true],
  ] as const;
  for (const [engine, portable] of engines) {
    for (const [method, flag, closedReason] of [
      ['connect', '-sT', 'conn-refused'],
      ['syn', '-sS', 'reset'],
    ] as const) {
      it(`${method} scan (${engine}) gives the same states as nmap ${flag}`, () => {
        const res = runProbe<Scan & { engine: string }>(lab!.cli, 'scan', {
          target: '198.51.100.2',
          ports: '50000-50009',
          method,
          portable,
          allow: ['198.51.100.0/24'],
        });
        expect(res.engine).toBe(engine);
        const mine = new Map(res.ports.map((p) => [p.port, p]));
        for (const p of spec.open) expect(mine.get(p)).toMatchObject({ state: 'open', reason: 'syn-ack' });
        for (const p of spec.reset) expect(mine.get(p)).toMatchObject({ state: 'closed', reason: closedReason });
        for (const p of spec.drop) expect(mine.get(p)).toMatchObject({ state: 'filtered', reason: 'no-response' });
        // two probes per filtered port (one retransmission), one per answered port
        expect(res.probesSent).toBe(spec.open.length + spec.reset.length + 2 * spec.drop.length);
        const peer = nmapStates([flag], '198.51.100.2', '50000-50009', lab!.cli);
        for (let p = 50000; p <= 50009; p++) expect(mine.get(p)?.state, `port ${p}`).toBe(peer.get(p));
      });
    }
  }

  it('ICMP port-unreachable is closed for a connect scan and filtered for a SYN scan, as in nmap', async () => {
    // the kernel's default ICMP limits: a fresh namespace's burst of 6 port-unreachables covers
    // both of wirelab's scans (2 each); nmap's scans after them may find the burst spent, and a
    // SYN scan calls a port filtered either way (a connect scan retransmits until refused)
    const icmpLab = await serverPair(`${tag}i`, { open: [], reset: [], drop: [], icmp: [50020, 50021] });
    try {
      const ports = '50020,50021';
      const c = runProbe<Scan>(icmpLab.cli, 'scan', { target: '198.51.100.2', ports, method: 'connect', allow: ['198.51.100.2/32'] });
      const s = runProbe<Scan>(icmpLab.cli, 'scan', { target: '198.51.100.2', ports, method: 'syn', allow: ['198.51.100.2/32'] });
      expect(c.ports.map((p) => `${p.state}/${p.reason}`)).toEqual(['closed/conn-refused', 'closed/conn-refused']);
      expect(s.ports.map((p) => `${p.state}/${p.reason}`)).toEqual(['filtered/port-unreach', 'filtered/port-unreach']);
      const peerT = nmapStates(['-sT'], '198.51.100.2', ports, icmpLab.cli);
      const peerS = nmapStates(['-sS'], '198.51.100.2', ports, icmpLab.cli);
      expect([...peerT.values()]).toEqual(['closed', 'closed']);
      expect([...peerS.values()]).toEqual(['filtered', 'filtered']);
    } finally {
      icmpLab.destroy();
    }
  });
});

describe.skipIf(!isRoot)('IPv6 SYN scan of a firewalled server namespace', () => {
  // 2001:db8::2 listens on 50207; the firewall resets 50200, drops 50201 and answers 50202 with
  // ICMPv6 admin-prohibited; 50203 has nothing (the kernel's RST)
  const ports = '50200-50203,50207';
  const want = { 50200: 'closed', 50201: 'filtered', 50202: 'filtered', 50203: 'closed', 50207: 'open' };
  let lab: Lab | undefined;
  let cli = '';
  beforeAll(async () => {
    lab = new Lab(`${tag}6`); // default limits: one ICMPv6 error per scan
    cli = lab.addNs('cli');
    const srv = lab.addNs('srv');
    lab.link(cli, 'c0', '198.51.100.1/24', srv, 's0', '198.51.100.2/24');
    inNs(cli, 'ip', ['addr', 'add', '2001:db8::1/64', 'dev', 'c0', 'nodad']);
    inNs(srv, 'ip', ['addr', 'add', '2001:db8::2/64', 'dev', 's0', 'nodad']);
    lab.nft(
      srv,
      'table inet wlt5 {\n chain input {\n type filter hook input priority 0; policy accept;\n tcp dport 50200 reject with tcp reset\n tcp dport 50201 drop\n tcp dport 50202 reject with icmpv6 type admin-prohibited\n }\n}\n',
    );
    await lab.listen(srv, [50207]);
  });
  afterAll(() => lab?.destroy());

  it('gives the same states as nmap -6 -sS, with the reasons of the ICMPv6 answers', () => {
    const res = runProbe<Scan & { engine: string }>(cli, 'scan', { target: '2001:db8::2', ports, method: 'syn', allow: ['2001:db8::/64'] });
    expect(res.engine).toBe('native');
    const mine = Object.fromEntries(res.ports.map((p) => [p.port, p.state]));
    expect(mine).toEqual(want);
    expect(res.ports.find((p) => p.port === 50202)?.reason).toBe('admin-prohibited');
    expect(res.ports.find((p) => p.port === 50201)?.reason).toBe('no-response');
    const peer = nmapStates(['-6', '-sS'], '2001:db8::2', ports, cli);
    for (const p of Object.keys(want).map(Number)) expect(mine[p], `port ${p}`).toBe(peer.get(p));
  });

  it('the portable path says it cannot, and how to scan IPv6 instead', () => {
    expect(() => runProbe(cli, 'scan', { target: '2001:db8::2', ports, method: 'syn', portable: true, allow: ['2001:db8::/64'] })).toThrow(
      /use --connect for IPv6/,
    );
  });
});

describe.skipIf(!isRoot)('UDP scan of a firewalled server namespace', () => {
  // 50100 answers, 50105 listens but never answers, 50104 has no socket (the kernel's ICMP
  // port-unreachable); the firewall drops 50101 and answers 50102/50103 with other ICMP kinds
  const ports = '50100-50105';
  const want = { 50100: 'open', 50101: 'open|filtered', 50102: 'filtered', 50103: 'filtered', 50104: 'closed', 50105: 'open|filtered' };
  // the kernel's default ICMP limits: each tool scans a fresh pair of its own, whose burst of 6
  // covers the 3 ICMP errors of a scan (one scan would find the burst the previous one spent)
  const labs: Lab[] = [];
  let made = 0;
  const udpLab = async (): Promise<string> => {
    const lab = new Lab(`${tag}u${made++}`);
    labs.push(lab);
    const cli = lab.addNs('cli');
    const srv = lab.addNs('srv');
    lab.link(cli, 'c0', '198.51.100.1/24', srv, 's0', '198.51.100.2/24');
    lab.nft(
      srv,
      'table inet wlt5 {\n chain input {\n type filter hook input priority 0; policy accept;\n udp dport 50101 drop\n udp dport 50102 reject with icmp type admin-prohibited\n udp dport 50103 reject with icmp type host-unreachable\n }\n}\n',
    );
    await lab.listenUdp(srv, [50100], [50105]);
    return cli;
  };
  afterEach(() => {
    for (const lab of labs.splice(0)) lab.destroy();
  });

  it.each([
    { engine: 'native', portable: false },
    { engine: 'portable', portable: true },
  ])('$engine: gives the same states as nmap -sU, with a retransmission for each silent port', async ({ engine, portable }) => {
    const [cli, peerCli] = [await udpLab(), await udpLab()];
    const res = runProbe<Scan & { method: string; engine: string }>(cli, 'scan', {
      target: '198.51.100.2',
      ports,
      method: 'udp',
      portable,
      allow: ['198.51.100.0/24'],
    });
    expect(res).toMatchObject({ method: 'udp', engine });
    const mine = Object.fromEntries(res.ports.map((p) => [p.port, p.state]));
    expect(mine).toEqual(want);
    expect(res.ports.find((p) => p.port === 50100)?.reason).toBe('udp-response');
    expect(res.ports.find((p) => p.port === 50104)?.reason).toBe('port-unreach');
    expect(res.ports.find((p) => p.port === 50102)?.reason).toBe('admin-prohibited');
    expect(res.ports.find((p) => p.port === 50103)?.reason).toBe('host-unreach');
    expect(res.probesSent).toBe(6 + 2);
    const peer = nmapStates(['-sU'], '198.51.100.2', ports, peerCli);
    for (let p = 50100; p <= 50105; p++) expect(mine[p], `port ${p}`).toBe(peer.get(p));
  });
});

describe.skipIf(!isRoot)('nmap layout of a big mixed scan', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  let lab: (Lab & { cli: string; srv: string }) | undefined;
  beforeAll(async () => {
    // 40 ICMP errors per scan: more than the kernel's default burst of 6, then one a second.
    // Under those limits nmap's own result is not fixed (-sT re-tries refused ports 1-12 times
    // over ~8-40 s, -sS reasons split between port-unreach and no-response by the bucket's
    // state), so this layout test keeps the limit off; the default limits are tested above.
    lab = await serverPair(
      `${tag}m`,
      { open: [50070], reset: [], drop: range(50000, 50029), icmp: range(50030, 50069) },
      { icmpRatelimit: 0 },
    );
  });
  afterAll(() => lab?.destroy());

  for (const [method, flag, portable] of [
    ['syn', '-sS', false],
    ['connect', '-sT', false],
    ['syn', '-sS', true],
    ['connect', '-sT', true],
  ] as const) {
    it(`${method}${portable ? ' (portable)' : ''}: same "Not shown:" line and table as nmap ${flag}`, () => {
      const ports = '50000-50070,50100-50130';
      const res = runProbe<ScanResult>(lab!.cli, 'scan', { target: '198.51.100.2', ports, method, portable, allow: ['198.51.100.0/24'] });
      expect(res.engine).toBe(portable ? 'portable' : 'native');
      const ours = formatNmap(res).split('\n');
      const peer = inNs(lab!.cli, 'nmap', ['-n', '-Pn', flag, '-p', ports, '198.51.100.2']).split('\n');
      const notShown = (lines: string[]) => lines.find((l) => l.startsWith('Not shown:'));
      expect(notShown(ours)).toBeDefined();
      expect(notShown(ours)).toBe(notShown(peer));
      const table = (lines: string[]) => lines.filter((l) => /^(PORT |\d+\/tcp )/.test(l));
      expect(table(ours)).toEqual(table(peer));
    });
  }
});

describe.skipIf(!isRoot)('scan and trace commands', () => {
  const cli = `${root}bench/scan-cli.mjs`;
  const run = (args: string[], pre: string[] = []) => {
    const r = spawnSync(pre[0] ?? process.execPath, [...pre.slice(1), ...(pre.length ? [process.execPath] : []), cli, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('exit 3 with the fix when raw sockets are not permitted (CAP_NET_RAW dropped)', () => {
    for (const args of [
      ['scan', '127.0.0.1', '-p', '80', '--syn'],
      ['trace', '127.0.0.1'],
    ]) {
      const r = run(args, ['setpriv', '--bounding-set=-net_raw']);
      expect(r.code).toBe(3);
      expect(r.err).toContain('CAP_NET_RAW');
      expect(r.err).toContain('fix: ');
    }
  });

  it('exit 2 for a refused target or bad ports; nmap layout on success', () => {
    expect(run(['scan', '192.0.2.1', '-p', '80']).code).toBe(2);
    expect(run(['trace', '192.0.2.1', '--probe', 'icmp']).code).toBe(2);
    expect(run(['scan', '127.0.0.1', '-p', '70000']).code).toBe(2);
    const ok = run(['scan', '127.0.0.1', '-p', '1-30']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/\nNot shown: \d+ closed tcp ports \(conn-refused\)\n/);
  });
});
