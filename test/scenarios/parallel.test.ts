import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenario/load.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { silentReporter } from '../../src/interpreter/reporter.js';

const root = process.getuid?.() === 0;

// The same addresses in every copy: each run's hosts live in namespaces of their own.
const scenario = `
name: parallel
timeout: 2m
topology:
  hosts:
    client: { ip: 198.51.100.55/24, gateway: r1 }
    r1: { ip: [198.51.100.1/24, 203.0.113.1/24], forward: true }
    server: { ip: 203.0.113.10/24, gateway: r1, firewall: { policy: drop, allow: [tcp/50007] } }
steps:
  - serve: { as: echo, on: server, port: 50007, echo: { banner: "hi\\n" } }
  - connect: { from: client, to: echo, as: s }
  - expect: { conn: s, line: hi }
  - send: { conn: s, line: ping }
  - expect: { conn: s, line: ping }
  - close: s
  - scan: { from: client, target: server, ports: 50006-50008, expect: { open: [50007], filtered: rest } }
`;

describe.runIf(root)('twenty runs of one topology scenario at once', () => {
  it('all pass, with no name or address collision, and leave no namespace behind', async () => {
    const r = loadScenarioText(join(process.cwd(), 'parallel.yaml'), scenario);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const base = await mkdtemp(join(tmpdir(), 'wirelab-parallel-'));
    try {
      const runs = await Promise.all(
        Array.from({ length: 20 }, (_, i) => runScenario(r.loaded, { out: join(base, `run-${i}`), reporter: silentReporter })),
      );
      const ids = runs.map((x) => x.record.topology!.runId!);
      expect(new Set(ids).size).toBe(20);
      for (const { record } of runs) {
        const bad = record.steps
          .filter((s) => s.status !== 'passed')
          .map((s) => `${s.title}: ${s.error?.message ?? JSON.stringify(s.checks)}`);
        expect(bad).toEqual([]);
      }
      const left = (await execa('ip', ['netns', 'list'])).stdout;
      for (const id of ids) expect(left).not.toContain(`wl-${id}-`);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  }, 180_000);
});
