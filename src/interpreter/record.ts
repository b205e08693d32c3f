import { userInfo } from 'node:os';
import type { Counts, RunRecord, StepRecord } from '../generated/run-record.js';
import type { LoadedScenario } from '../scenario/load.js';
import type { Path } from '../scenario/source.js';
import { VERSION } from '../version.js';

export function pathString(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Every step record, nested ones included, in run order. */
export function allSteps(steps: StepRecord[]): StepRecord[] {
  return steps.flatMap((s) => [s, ...allSteps(s.children ?? [])]);
}

function counts<T>(items: T[], status: (t: T) => string): Counts {
  const c: Counts = { total: items.length, passed: 0, failed: 0, errored: 0, skipped: 0 };
  for (const it of items) c[status(it) as 'passed' | 'failed' | 'errored' | 'skipped']++;
  return c;
}

/** Exit code of a finished run: 0 all passed, 1 a check failed, 3 environment, 4 bug. */
export function exitCodeOf(steps: StepRecord[]): number {
  const all = allSteps(steps);
  if (all.some((s) => s.status === 'errored' && s.error?.code === 'environment')) return 3;
  if (all.some((s) => s.status === 'failed' || s.status === 'errored')) return 1;
  return 0;
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
  const checks = all.flatMap((s) => s.checks.map((c) => (c.passed ? 'passed' : s.status === 'errored' ? 'errored' : 'failed')));
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
      checks: counts(checks, (c) => c),
      points: {
        earned: Math.round(graded.reduce((n, s) => n + (s.earned ?? 0), 0) * 1000) / 1000,
        max: graded.reduce((n, s) => n + (s.points ?? 0), 0),
      },
    },
  };
}
