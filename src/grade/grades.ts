import type { RunRecord, StepRecord } from '../generated/run-record.js';
import { pointsNote } from '../interpreter/earned.js';

export type CheckStatus = 'passed' | 'failed' | 'errored' | 'skipped';
export type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published';

/** One graded item: a step of the scenario that is worth points. */
export interface GradedCheck {
  name: string;
  score: number;
  maxScore: number;
  status: CheckStatus;
  visibility: Visibility;
  /** What was expected and received, the error, an excerpt of a command's output. */
  output: string;
}

/** A submission's grade, computed from its run record alone. */
export interface Grade {
  score: number;
  maxScore: number;
  /** `graded`: the run completed; `error`: it could not (crash, timeout) — `error` says why. */
  status: 'graded' | 'error';
  error?: string;
  /** Errors of steps worth no points (e.g. the submission's server did not start), in order. */
  setupErrors?: string[];
  checks: GradedCheck[];
  /**
   * The run's checks (`summary.checks` of run.json: every expectation recorded), the count the
   * terminal, the grade table, Gradescope and the feedback sheet all show. Absent without a record.
   */
  recordChecks?: { passed: number; total: number };
}

export interface GradeOptions {
  /** How hidden steps are shown on Gradescope (default `after_published`). */
  hiddenVisibility?: Visibility;
}

function excerpt(s: string, n = 1000): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length - n} more characters)` : s;
}

/** The feedback text of a step: its failed and passed checks, its error, its command output. */
export function stepOutput(step: StepRecord): string {
  const lines: string[] = [];
  if (step.error) lines.push(`Error: ${step.error.message}`);
  const note = pointsNote(step);
  if (note) lines.push(note);
  for (const c of step.checks) {
    lines.push(`${c.passed ? 'PASS' : 'FAIL'} ${c.precondition ? 'precondition: ' : ''}${c.title}`);
    if (c.expected !== undefined) lines.push(`  expected: ${c.expected}`);
    if (c.actual !== undefined) lines.push(`  received: ${c.actual}`);
    if (!c.passed && c.detail) lines.push(excerpt(c.detail).replace(/^/gm, '  '));
  }
  if (step.exec) {
    const e = step.exec;
    lines.push(`$ ${e.command}  (exit ${e.timedOut ? 'timed out' : (e.exitCode ?? e.signal ?? '?')})`);
    if (e.stdout) lines.push(`stdout:\n${excerpt(e.stdout)}`);
    if (e.stderr) lines.push(`stderr:\n${excerpt(e.stderr)}`);
    if (e.truncated) lines.push('(output truncated)');
  }
  return lines.join('\n');
}

function flatten(steps: StepRecord[]): StepRecord[] {
  return steps.flatMap((s) => [s, ...flatten(s.children ?? [])]);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The steps worth points become checks; partial credit comes from `earned`. */
export function gradeRun(record: RunRecord, opts: GradeOptions = {}): Grade {
  const checks: GradedCheck[] = [];
  const setupErrors: string[] = [];
  for (const step of flatten(record.steps)) {
    if (!step.points) {
      if (step.status === 'errored' && step.error) setupErrors.push(`${step.title}: ${excerpt(step.error.message)}`);
      continue;
    }
    const cause = step.status === 'errored' && setupErrors.length ? `\nEarlier error in ${setupErrors[0]}` : '';
    const earned =
      step.status === 'errored' || step.status === 'skipped'
        ? 0
        : Math.min(step.earned ?? (step.status === 'passed' ? step.points : 0), step.points);
    checks.push({
      name: step.title,
      score: round(earned),
      maxScore: step.points,
      status: step.status,
      visibility: step.hidden ? (opts.hiddenVisibility ?? 'after_published') : 'visible',
      output: step.status === 'skipped' ? 'Not run: the run stopped before this step.' : stepOutput(step) + cause,
    });
  }
  const score = round(checks.reduce((a, c) => a + c.score, 0));
  const maxScore = round(checks.reduce((a, c) => a + c.maxScore, 0));
  const interrupted = record.run.interrupted;
  return {
    score,
    maxScore,
    status: interrupted ? 'error' : 'graded',
    ...(interrupted ? { error: `the run was stopped early (${interrupted})` } : {}),
    ...(setupErrors.length ? { setupErrors } : {}),
    checks,
    recordChecks: { passed: record.summary.checks.passed, total: record.summary.checks.total },
  };
}

/** The grade of a submission whose run produced no record: 0 of the scenario's points, with the reason. */
export function errorGrade(
  reason: string,
  maxScore: number,
  checks: { name: string; maxScore: number; hidden?: boolean }[] = [],
  opts: GradeOptions = {},
): Grade {
  return {
    score: 0,
    maxScore,
    status: 'error',
    error: reason,
    checks: checks.map((c) => ({
      name: c.name,
      score: 0,
      maxScore: c.maxScore,
      status: 'errored',
      visibility: c.hidden ? (opts.hiddenVisibility ?? 'after_published') : 'visible',
      output: `Not graded: ${reason}`,
    })),
  };
}
