/**
 * scenarios/examples/: the three labs an instructor would write (issue 16). Each validates, and
 * (as root) runs to a pass in a few seconds, leaving no namespace behind; its report is shipped
 * in scenarios/examples/reports/ (written by `wirelab run`, see the README there).
 */
import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { silentReporter } from '../../src/interpreter/reporter.js';
import { allSteps } from '../../src/interpreter/record.js';
import { run as validateRunRecord } from '../../src/generated/validators.js';
import { describeRoot } from '../helpers/root.js';

const DIR = 'scenarios/examples';
const LABS = ['dns.yaml', 'mtu-routers.yaml', 'udp-tcp-firewall.yaml'];

describe('scenarios/examples validate', () => {
  it('holds the three labs, and each validates', async () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith('.yaml'))).toEqual(LABS);
    for (const f of LABS) {
      const r = await loadScenario(join(DIR, f));
      expect(r.ok ? [] : r.diagnostics, f).toEqual([]);
    }
  });
});

describeRoot('scenarios/examples run (needs root: network namespaces)', () => {
  for (const f of LABS) {
    it(`${f} passes every check and leaves no namespace behind`, async () => {
      const loaded = await loadScenario(join(DIR, f));
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
      const out = await mkdtemp(join(tmpdir(), 'wirelab-example-'));
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
        const left = (await execa('ip', ['netns', 'list'])).stdout
          .split('\n')
          .filter((l) => l.startsWith(`wl-${record.topology!.runId!}-`));
        expect(left).toEqual([]);
        // the report shipped beside it is of this lab, and of a passing run
        const shipped = await readFile(join(DIR, 'reports', f.replace(/\.yaml$/, '.md')), 'utf8');
        expect(shipped).toContain(loaded.loaded.scenario.title!);
        expect(shipped).not.toMatch(/\bFAIL\b/);
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }, 30_000);
  }
});
