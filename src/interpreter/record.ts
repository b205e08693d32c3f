import { userInfo } from 'node:os';
import type { Counts, RunRecord, StepRecord } from '../generated/run-record.js';
import type { LoadedScenario } from '../scenario/load.js';
import type { Path } from '../util/yaml-path.js';
import { allSteps } from '../steps/records.js';
import { VERSION } from '../version.js';
export { allSteps };
import { EXIT_CODES, type ExitClass } from '../errors.js';

export function pathString(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function counts<T>(items: T[], status: (t: T) => string): Counts {
  const c: Counts = { total: items.length, passed: 0, failed: 0, errored: 0, skipped: 0 };
  for (const it of items) c[status(it) as 'passed' | 'failed' | 'errored' | 'skipped']++;
  return c;
}

/**
 * The one definition of "checks": every expectation a step recorded (nested steps included),
 * passed or not; a check of an errored step counts as errored. The run record's
 * `summary.checks` holds it, and every surface (terminal, grade table, Gradescope, feedback and
 * reports) shows it through `checksFraction` / `checksText`.
 */
export function checkCounts(steps: StepRecord[]): Counts {
  const all = allSteps(steps);
  return counts(
    all.flatMap((s) => s.checks.map((c) => (c.passed ? 'passed' : s.status === 'errored' ? 'errored' : 'failed'))),
    (c) => c,
  );
}

/** `3/7`: checks passed of checks recorded. */
export function checksFraction(c: Pick<Counts, 'passed' | 'total'>): string {
  return `${c.passed}/${c.total}`;
}

/** `3/7 checks passed`. */
export function checksText(c: Pick<Counts, 'passed' | 'total'>): string {
  return `${checksFraction(c)} checks passed`;
}

/**
 * Exit code of a finished run, from the exit-code table: the highest code among its steps, where
 * a failed step counts as `checks-failed` (1) and an errored one as its error's exit class.
 */
export function exitCodeOf(steps: StepRecord[]): number {
  let code: number = EXIT_CODES.passed;
  for (const s of allSteps(steps)) {
    const cls: ExitClass | undefined =
      s.status === 'failed' ? 'checks-failed' : s.status === 'errored' ? (s.error?.exit ?? 'checks-failed') : undefined;
    if (cls) code = Math.max(code, EXIT_CODES[cls]);
  }
  return code;
}

/** Exit codes of an interrupted run: 128 + the signal's number; a caught exception is a bug (4). */
const INTERRUPT_EXIT: Record<string, number> = { SIGINT: 130, SIGPIPE: 141, SIGTERM: 143, exception: 4 };

export function buildRecord(a: {
  loaded: LoadedScenario;
  runName: string;
  startedAt: Date;
  durationMs: number;
  steps: StepRecord[];
  interrupted?: string;
}): RunRecord {
  const all = allSteps(a.steps);
  const graded = all.filter((s) => s.points !== undefined);
  let exitCode = exitCodeOf(a.steps);
  if (a.interrupted && a.interrupted !== 'timeout') exitCode = INTERRUPT_EXIT[a.interrupted] ?? 143;
  else if (a.interrupted === 'timeout' && exitCode === 0) exitCode = 1;
  const { scenario, source, file } = a.loaded;
  return {
    format: 1,
    wirelab: VERSION,
    scenario: {
      name: scenario.name,
      ...(scenario.title ? { title: scenario.title } : {}),
      ...(scenario.description ? { description: scenario.description } : {}),
      file,
      sha256: source.sha256,
      ...(a.loaded.variant.student !== undefined ? { student: a.loaded.variant.student } : {}),
      ...(Object.keys(a.loaded.variant.vars).length ? { vars: a.loaded.variant.vars } : {}),
    },
    run: {
      name: a.runName,
      startedAt: a.startedAt.toISOString(),
      durationMs: Math.round(a.durationMs * 1000) / 1000,
      status: exitCode === 0 ? 'passed' : all.some((s) => s.status === 'failed') || exitCode === 1 ? 'failed' : 'errored',
      exitCode,
      ...(a.interrupted ? { interrupted: a.interrupted } : {}),
      host: { node: process.version, platform: `${process.platform}-${process.arch}`, user: userInfo().username },
    },
    steps: a.steps,
    summary: {
      steps: counts(all, (s) => s.status),
      checks: checkCounts(a.steps),
      points: {
        earned: Math.round(graded.reduce((n, s) => n + (s.earned ?? 0), 0) * 1000) / 1000,
        max: graded.reduce((n, s) => n + (s.points ?? 0), 0),
      },
    },
  };
}
