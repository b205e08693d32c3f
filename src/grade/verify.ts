import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { GradingExample } from '../generated/scenario.js';
import type { LoadedScenario } from '../scenario/load.js';
import type { SandboxSpec } from '../sandbox/limits.js';
import { requireRoot } from '../sandbox/users.js';
import { gradeFolders, type GradeItem } from './class.js';
import { EMPTY_NAME, emptySubmission } from './free-points.js';
import type { Grade } from './grades.js';

// checkExamples lives apart so that `wirelab validate` loads none of the grading machinery.
export { checkExamples } from './examples.js';

/** One example's outcome: its expected and actual scores, total and per graded step. */
export interface ExampleResult {
  name: string;
  expected: number;
  actual: number;
  maxScore: number;
  /** Grade-level error (the run crashed or timed out), if any. */
  error?: string;
  steps: { name: string; expected?: number; actual: number; maxScore: number }[];
  ok: boolean;
}

const same = (a: number, b: number) => Math.abs(a - b) < 1e-6;

function exampleName(ex: GradingExample): string {
  return ex.empty ? EMPTY_NAME : ex.path!;
}

/** Compares a grade with what the example says it must be. */
export function compareExample(ex: GradingExample, grade: Grade): ExampleResult {
  const steps = grade.checks.map((c) => ({
    name: c.name,
    ...(ex.checks?.[c.name] !== undefined ? { expected: ex.checks[c.name] } : {}),
    actual: c.score,
    maxScore: c.maxScore,
  }));
  // a run that crashed or timed out is no verified score, whatever it adds up to
  const ok =
    grade.status !== 'error' && same(grade.score, ex.score) && steps.every((s) => s.expected === undefined || same(s.expected, s.actual));
  return {
    name: exampleName(ex),
    expected: ex.score,
    actual: grade.score,
    maxScore: grade.maxScore,
    ...(grade.error ? { error: grade.error } : {}),
    steps,
    ok,
  };
}

/**
 * Grades the scenario's examples and an empty submission (expected 0 unless an `empty: true`
 * example says otherwise), in `outDir` (a temporary folder, removed after, when not given).
 */
export async function verifyExamples(opts: {
  scenarioFile: string;
  loaded: LoadedScenario;
  outDir?: string;
  jobs?: number;
  sandbox?: Omit<SandboxSpec, 'user' | 'match'>;
  marginMs?: number;
}): Promise<ExampleResult[]> {
  if (opts.sandbox) requireRoot();
  const examples: GradingExample[] = [...(opts.loaded.scenario.grading?.examples ?? [])];
  if (!examples.some((e) => e.empty)) examples.push({ empty: true, score: 0 });
  const out = opts.outDir ? resolve(opts.outDir) : await mkdtemp(join(tmpdir(), 'wirelab-verify-'));
  const empty = await emptySubmission();
  try {
    const items: GradeItem[] = examples.map((ex, i) => ({
      name: exampleName(ex),
      dir: ex.empty ? empty.dir : resolve(opts.loaded.dir, ex.path!),
      outDir: join(out, `${i + 1}-${ex.empty ? 'empty' : basename(resolve(opts.loaded.dir, ex.path!))}`),
    }));
    // the examples answer the scenario's default variant
    const results = await gradeFolders({ ...opts, defaults: new Set(items) }, items, {
      dirs: items.map((it) => it.dir),
      root: opts.loaded.dir,
    });
    return results.map((r, i) => compareExample(examples[i], r.grade));
  } finally {
    await empty.remove();
    if (!opts.outDir) await rm(out, { recursive: true, force: true });
  }
}

/** The verification report: one line per example, and for one that moved, its steps. */
export function verifyText(scenario: string, results: ExampleResult[]): string {
  const w = Math.max(...results.map((r) => r.name.length));
  const lines = [`verify ${scenario}: ${results.length} example(s)`];
  for (const r of results) {
    const score = `${r.actual}/${r.maxScore}`;
    lines.push(
      `  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(w)}  ${score.padStart(9)}${r.ok ? '' : `  expected ${r.expected}`}${r.error ? `  (${r.error})` : ''}`,
    );
    if (r.ok) continue;
    const sw = Math.max(4, ...r.steps.map((s) => s.name.length));
    lines.push(`        ${'step'.padEnd(sw)}  expected    actual`);
    for (const s of r.steps) {
      const moved = s.expected !== undefined && !same(s.expected, s.actual);
      lines.push(
        `        ${s.name.padEnd(sw)}  ${String(s.expected ?? '-').padStart(8)}  ${String(s.actual).padStart(8)}${moved ? '  <- moved' : ''}`,
      );
    }
    if (r.steps.every((s) => s.expected === undefined))
      lines.push(`        (give this example's \`checks:\` per step to see which one moved)`);
  }
  const bad = results.filter((r) => !r.ok).length;
  lines.push(
    bad
      ? `${bad} of ${results.length} example(s) did not get their expected score`
      : `all ${results.length} example(s) got their expected scores`,
  );
  return `${lines.join('\n')}\n`;
}
