import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioText, type LoadedScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { silentReporter } from '../../src/interpreter/reporter.js';
import type { Diagnostic } from '../../src/scenario/diagnostics.js';

/** Loads YAML text as if from `file`; throws with the diagnostics if it does not validate. */
export function load(text: string, file = 'test.yaml', vars?: Record<string, string>): LoadedScenario {
  const r = loadScenarioText(file, text, vars ? { vars } : {});
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return r.loaded;
}

export function diagnostics(text: string, file = 'test.yaml'): Diagnostic[] {
  const r = loadScenarioText(file, text);
  return r.ok ? [] : r.diagnostics;
}

/** Runs YAML text in a fresh temp folder (`vars` as --var gives them), returns the record; the folder is removed after. */
export async function runText(text: string, vars?: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-test-'));
  try {
    return await runScenario(load(text, join(process.cwd(), 'test.yaml'), vars), { out: dir, reporter: silentReporter, vars });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
