import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { silentReporter } from '../../src/interpreter/reporter.js';
import { allSteps } from '../../src/interpreter/record.js';
import type { StepRecord } from '../../src/generated/run-record.js';
import { run as validateRunRecord } from '../../src/generated/validators.js';

const root = process.getuid?.() === 0;

async function netnsOf(runId: string): Promise<string[]> {
  const r = await execa('ip', ['netns', 'list']);
  return r.stdout.split('\n').filter((l) => l.startsWith(`wl-${runId}-`));
}

describe.runIf(root)('scenarios/lab1.yaml (needs root: network namespaces)', () => {
  it('passes every check of the seed lab, writes its captures, and leaves no namespace behind', async () => {
    const loaded = await loadScenario('scenarios/lab1.yaml');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const out = await mkdtemp(join(tmpdir(), 'wirelab-lab1-'));
    try {
      const { record } = await runScenario(loaded.loaded, { out, reporter: silentReporter });
      const failed = allSteps(record.steps).filter((s) => s.status !== 'passed');
      expect(
        failed.map(
          (s) =>
            `${s.title}: ${
              s.error?.message ??
              s.checks
                .filter((c) => !c.passed)
                .map((c) => c.detail ?? c.actual)
                .join('; ')
            }`,
        ),
      ).toEqual([]);
      expect(record.run.exitCode).toBe(0);
      expect(validateRunRecord(record)).toBe(true);
      expect(record.summary.points.earned).toBe(record.summary.points.max);
      // The topology as built is in the record, and it is gone now.
      expect(record.topology?.hosts.map((h) => h.name)).toContain('server');
      expect(record.topology?.runId).toMatch(/^[0-9a-f]{6}$/);
      expect(await netnsOf(record.topology!.runId!)).toEqual([]);
      // The captures open in tshark, and the echo capture shows the seed's MSS values.
      const lines = (await execa('tshark', ['-n', '-r', join(out, 'echo-session.pcap')])).stdout;
      expect(lines).toMatch(/\[SYN\] .*MSS=1460/);
      expect(lines).toMatch(/\[SYN, ACK\] .*MSS=1452/);
      // Steps on a connection are on the host that opened it; the DNS fixture is reported at r1's own address.
      const steps = allSteps(record.steps);
      expect([...new Set(steps.filter((s) => ['send', 'expect', 'close'].includes(s.kind)).map((s) => s.host))]).toEqual(['client']);
      expect(steps.find((s) => s.title === 'DNS server on the home router')?.fixture).toMatchObject({
        kind: 'dns',
        address: '198.51.100.1',
        port: 53,
      });
      // The step named for Python's http.server runs it: its answer is Python's, not a wirelab fixture's.
      const web = steps.find((s) => s.title === 'python3 -m http.server 8000 --bind 127.0.0.1');
      expect(web?.fixture).toMatchObject({ kind: 'command', address: '127.0.0.1', port: 8000 });
      expect(web?.fixture?.pid).toBeGreaterThan(0);
      const page =
        steps.find((s) => s.title === 'the browser sees the directory listing')?.transcript?.find((t) => t.dir === 'received')?.text ?? '';
      expect(page).toMatch(/^HTTP\/1\.0 200 OK\r\nServer: SimpleHTTP\/[\d.]+ Python\//);
      expect(page).not.toContain('wirelab-http');
      const rec = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as { steps: StepRecord[] };
      const dns = allSteps(rec.steps).find((s) => s.title === 'DNS lookup, captured')!;
      expect(dns.capture!.packets.map((p) => p.info.replace(/0x[0-9a-f]{4}/, 'ID'))).toEqual([
        'Standard query ID A compeng.example.home',
        expect.stringMatching(/^Standard query response ID No such name A compeng.example.home/),
        'Standard query ID AAAA compeng.example.home',
        expect.stringMatching(/^Standard query response ID No such name AAAA compeng.example.home/),
        'Standard query ID A compeng.example',
        'Standard query response ID A compeng.example A 203.0.113.10',
        'Standard query ID AAAA compeng.example',
        expect.stringMatching(/^Standard query response ID AAAA compeng.example( SOA .*)?$/),
      ]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});
