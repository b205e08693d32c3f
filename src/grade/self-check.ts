/**
 * `wirelab check`: a student's own check of their work folder with the scenario that grades it.
 * The same run and the same grade as `wirelab grade` (run-scenario → run record → gradeRun),
 * with the hidden steps left out of the plan before anything runs, so a hidden check is never
 * run, scored or shown.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '../interpreter/reporter.js';
import { runScenario } from '../interpreter/run-scenario.js';
import type { CompiledStep } from '../scenario/compile.js';
import type { LoadedScenario } from '../scenario/load.js';
import { gradeRun, type Grade } from './grades.js';

function visibleSteps(steps: readonly CompiledStep[]): CompiledStep[] {
  return steps.filter((s) => !s.hidden).map((s) => ({ ...s, children: s.children.map((c) => ({ ...c, steps: visibleSteps(c.steps) })) }));
}

/** The scenario without its hidden steps (nested ones included). */
export function visiblePlan(loaded: LoadedScenario): LoadedScenario {
  return { ...loaded, plan: { ...loaded.plan, steps: visibleSteps(loaded.plan.steps) } };
}

export interface SelfCheck {
  grade: Grade;
  /** Every visible graded check passed. */
  passed: boolean;
}

/** Runs the visible steps on `folder` (`{{submission}}`) and grades the record. */
export async function selfCheck(loaded: LoadedScenario, folder: string, vars: Record<string, string> = {}): Promise<SelfCheck> {
  const out = await mkdtemp(join(tmpdir(), 'wirelab-check-'));
  try {
    const { record } = await runScenario(visiblePlan(loaded), {
      out,
      reporter: silentReporter,
      vars: { ...vars, submission: folder },
      handleSignals: true,
    });
    const grade = gradeRun(record);
    return { grade, passed: grade.status === 'graded' && !grade.setupErrors?.length && grade.checks.every((c) => c.status === 'passed') };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** What `wirelab check` prints: each check passed or not, its points, and why. */
export function selfCheckText(title: string, folder: string, r: SelfCheck): string {
  const g = r.grade;
  const lines = [`${title}: checking ${folder}`, ''];
  for (const c of g.checks) {
    lines.push(
      `${c.status === 'passed' ? 'PASS' : c.status === 'failed' ? 'FAIL' : c.status.toUpperCase()}  ${c.name}  (${c.score}/${c.maxScore})`,
    );
    if (c.output) lines.push(c.output.replace(/^/gm, '      '));
  }
  if (g.error) lines.push('', `could not check everything: ${g.error}`);
  for (const e of g.setupErrors ?? []) lines.push('', `error: ${e}`);
  const n = g.checks.filter((c) => c.status === 'passed').length;
  lines.push(
    '',
    `${n} of ${g.checks.length} checks pass: ${g.score} / ${g.maxScore} points${r.passed ? '' : ' (fix what FAILs above, then run `wirelab check` again)'}`,
  );
  return lines.join('\n') + '\n';
}
