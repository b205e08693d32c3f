import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '../generated/run-record.js';
import { SANDBOX_ENV, type SandboxSpec } from '../sandbox/limits.js';
import { reapUser } from '../sandbox/reap.js';
import type { WorldSpec } from '../sandbox/world.js';
import { runCmd } from '../topology/run-cmd.js';
import { claimRun, removeState, saveState } from '../topology/state.js';
import { PKG_ROOT } from '../util/paths.js';
import { writeFileAtomic } from '../util/write-atomic.js';
import { signalGroup } from '../exec/process.js';
import type { RunEnd, SlotRunner } from './runner.js';
import { feedbackText } from './feedback.js';
import { toGradescope } from './gradescope.js';
import { errorGrade, gradeRun, type Grade, type GradeOptions } from './grades.js';
import type { PlannedCheck } from './plan.js';

/** One submission to grade. */
export interface GradeJob {
  /** Absolute path of the scenario file. */
  scenarioFile: string;
  scenarioName: string;
  /** The submission's folder name (its row in grades.csv). */
  submission: string;
  /** Absolute path of the submission folder (`{{submission}}`). */
  submissionDir: string;
  /**
   * The submissions root and the class's output folder: hidden from the submission's programs
   * (with the scenario file), which see only their own folder.
   */
  submissionsRoot?: string;
  classOutDir?: string;
  /** The submission's programs may write to its folder (the scenario's `submission.writable`). */
  writable?: boolean;
  /** Set when the submission was found not gradable before anything ran: the reason. */
  notGradable?: string;
  /** The submission's student, and the values of the scenario's generated variables for them. */
  student?: string;
  derived?: Record<string, string>;
  /** OUT/SUB. */
  outDir: string;
  /** Wall-clock limit of the whole run child. */
  timeoutMs: number;
  planned: PlannedCheck[];
  /** Sandbox for the submission's programs, with the slot user's uid for the final sweep. */
  sandbox?: SandboxSpec & { uid: number };
  /**
   * Run in a network namespace of its own that holds only a loopback interface (root; for
   * scenarios without a topology, which would otherwise share this machine's network): the
   * submission has no route anywhere, and parallel jobs do not share ports.
   */
  isolate?: boolean;
  gradeOptions?: GradeOptions;
}

/**
 * A fresh network namespace `wl-<run id>-grade` with only `lo` up, recorded in a state file
 * first so `wirelab cleanup` removes it if this grader is killed; `remove` deletes both.
 */
async function isolatedNamespace(): Promise<{ name: string; remove: () => Promise<void> }> {
  const state = claimRun();
  const name = `wl-${state.runId}-grade`;
  state.namespaces.push(name);
  saveState(state);
  const remove = async () => {
    await runCmd('ip', ['netns', 'del', name]).catch(() => {});
    removeState(state.runId);
  };
  try {
    await runCmd('ip', ['netns', 'add', name]);
    await runCmd('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    await remove();
    throw e;
  }
  return { name, remove };
}

/** The result of a submission found not gradable: nothing runs; the reason goes in its feedback. */
async function notGradable(job: GradeJob, t0: number): Promise<JobResult> {
  const maxScore = job.planned.reduce((a, c) => a + c.maxScore, 0);
  const grade = errorGrade(`not gradable: ${job.notGradable}`, maxScore, job.planned, job.gradeOptions);
  await writeOutputs(job, join(job.outDir, 'run'), grade, performance.now() - t0);
  return { submission: job.submission, grade, timing: { totalMs: performance.now() - t0 } };
}

/** results.json, grade.json and feedback.md of a submission (results.json last). */
async function writeOutputs(job: GradeJob, runDir: string, grade: Grade, totalMs: number): Promise<void> {
  const results = toGradescope(grade, { scenario: job.scenarioName, executionTime: totalMs / 1000 });
  await writeFileAtomic(join(job.outDir, 'feedback.md'), await feedbackText(runDir, job.submission, job.scenarioName, grade));
  await writeFileAtomic(
    join(job.outDir, 'grade.json'),
    `${JSON.stringify({ submission: job.submission, scenario: job.scenarioName, grade }, null, 2)}\n`,
  );
  // results.json last: its presence marks the submission as graded (resume skips it).
  await writeFileAtomic(join(job.outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

/** Where the time of one submission went. */
export interface JobTiming {
  totalMs: number;
  /** The scenario's own duration (run.json's run.durationMs). */
  scenarioMs?: number;
}

export interface JobResult {
  submission: string;
  grade: Grade;
  timing: JobTiming;
}

/** The message of a crash's stderr: its lines up to the first stack frame, at most three. */
export function errorLines(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const frame = lines.findIndex((l) => /^\s+at /.test(l));
  return (frame > 0 ? lines.slice(0, frame) : lines.slice(-3)).slice(0, 3).join(' ');
}

/** `wirelab run` in a child process of its own (own process group), killed after the wall-clock limit. */
async function runChild(job: GradeJob, runDir: string, env: NodeJS.ProcessEnv, netns: string | undefined): Promise<RunEnd> {
  const argv = [
    process.execPath,
    join(PKG_ROOT, 'bin', 'wirelab.js'),
    'run',
    job.scenarioFile,
    '--out',
    runDir,
    '--var',
    `submission=${job.submissionDir}`,
    ...(job.student !== undefined
      ? ['--student', job.student, ...Object.entries(job.derived ?? {}).flatMap(([k, v]) => ['--derived-var', `${k}=${v}`])]
      : []),
    '--json',
  ];
  // `ip netns exec` and setpriv exec the command in place: the child's pid stays the process
  // group leader. With --pdeathsig the run is told (SIGTERM: it tears down) when this grader
  // dies, even by SIGKILL, and its teardown ends the submission's programs and their worlds.
  const [cmd, ...args] = ['setpriv', '--pdeathsig', 'TERM', '--', ...(netns ? ['ip', 'netns', 'exec', netns] : []), ...argv];
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 16_384) stderr += d.toString('utf8');
  });
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child.pid!, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 3000);
  }, job.timeoutMs);
  const exit = await new Promise<{ code: number | null; signal: string | null; error?: string }>((res) => {
    child.once('error', (e) => res({ code: null, signal: null, error: e.message }));
    child.once('close', (code, signal) => res({ code, signal }));
  });
  clearTimeout(timer);
  clearTimeout(killTimer);
  signalGroup(child.pid ?? 0, 'SIGKILL'); // anything left in the run's group
  return { ...exit, stderr, timedOut };
}

/**
 * Grades one submission: its `wirelab run` — on the slot's runner when given (a process that
 * runs one submission after another), else in a child process of its own — with a wall-clock
 * limit after which the run's process group is killed, a sweep of the sandbox user's
 * processes, then the grade from run.json. Always writes results.json, grade.json and
 * feedback.md in OUT/SUB — also when the run crashed or timed out. A submission that needs a
 * loopback of its own (`isolate`) always runs in a child inside that namespace.
 */
export async function gradeSubmission(job: GradeJob, runner?: SlotRunner): Promise<JobResult> {
  const t0 = performance.now();
  const runDir = join(job.outDir, 'run');
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  if (job.notGradable !== undefined) return notGradable(job, t0);
  let sandboxEnv: string | undefined;
  if (job.sandbox) {
    const hide = [
      job.scenarioFile,
      ...(job.submissionsRoot ? [job.submissionsRoot] : []),
      ...(job.classOutDir ? [job.classOutDir] : [job.outDir]),
    ];
    const world: WorldSpec = { submission: job.submissionDir, hide, writable: job.writable ?? false };
    sandboxEnv = JSON.stringify({ ...job.sandbox, uid: undefined, match: job.submissionDir, world });
  }
  const viaRunner = runner !== undefined && !job.isolate;
  const env = { ...process.env };
  if (sandboxEnv !== undefined) env[SANDBOX_ENV] = sandboxEnv;
  else delete env[SANDBOX_ENV];
  const netns = !viaRunner && job.isolate ? await isolatedNamespace() : undefined;
  let end: RunEnd;
  try {
    end = viaRunner
      ? await runner.run(
          {
            scenarioFile: job.scenarioFile,
            out: runDir,
            vars: { submission: job.submissionDir },
            ...(job.student !== undefined ? { student: job.student, derived: job.derived ?? {} } : {}),
            ...(sandboxEnv !== undefined ? { sandboxEnv } : {}),
          },
          job.timeoutMs,
        )
      : await runChild(job, runDir, env, netns?.name);
  } finally {
    if (job.sandbox) await reapUser(job.sandbox.uid);
    await netns?.remove();
  }
  const { stderr, timedOut } = end;
  const exit = end;

  const recordFile = join(runDir, 'run.json');
  let grade: Grade;
  let scenarioMs: number | undefined;
  const secs = Math.round(job.timeoutMs / 100) / 10;
  if (existsSync(recordFile)) {
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as RunRecord;
    scenarioMs = record.run.durationMs;
    grade = gradeRun(record, job.gradeOptions);
    if (timedOut) grade = { ...grade, status: 'error', error: `timed out after ${secs} s` };
  } else {
    // the whole stderr stays beside the run for the TA; the reason quotes its message lines
    if (stderr) await writeFileAtomic(join(runDir, 'stderr.txt'), stderr);
    const reason = timedOut
      ? `timed out after ${secs} s`
      : exit.error
        ? `the grading run could not start: ${exit.error}`
        : `the grading run ended without a run record (exit ${exit.code ?? exit.signal})${stderr ? `: ${errorLines(stderr)} (all of it in run/stderr.txt)` : ''}`;
    grade = errorGrade(
      reason,
      job.planned.reduce((a, c) => a + c.maxScore, 0),
      job.planned,
      job.gradeOptions,
    );
  }
  const totalMs = performance.now() - t0;
  await writeOutputs(job, runDir, grade, totalMs);
  return { submission: job.submission, grade, timing: { totalMs, ...(scenarioMs !== undefined ? { scenarioMs } : {}) } };
}
