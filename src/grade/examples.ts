import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadedScenario } from '../scenario/load.js';
import { didYouMean, type Diagnostic } from '../scenario/diagnostics.js';
import { plannedChecks } from './plan.js';

/** Mistakes in `grading.examples` a user can fix (file:line:col): folders and step names. */
export function checkExamples(loaded: LoadedScenario): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = plannedChecks(loaded).map((c) => c.name);
  (loaded.scenario.grading?.examples ?? []).forEach((ex, i) => {
    const at = ['grading', 'examples', i];
    if (ex.path !== undefined) {
      const dir = resolve(loaded.dir, ex.path);
      if (!existsSync(dir) || !statSync(dir).isDirectory())
        out.push(
          loaded.source.diag([...at, 'path'], 'bad-value', `no folder ${dir}; give the example's folder relative to the scenario file`),
        );
    }
    for (const step of Object.keys(ex.checks ?? {})) {
      if (!names.includes(step))
        out.push(
          loaded.source.diag(
            [...at, 'checks', step],
            'unknown-key',
            `"${step}" is not a graded step${didYouMean(step, names)}; expected one of: ${names.join(', ')}`,
            true,
          ),
        );
    }
  });
  return out;
}
