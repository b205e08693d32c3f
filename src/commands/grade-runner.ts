/**
 * The grading runner: one long-lived process per `wirelab grade` pool slot, started by
 * src/grade/runner.ts as `node dist/commands/grade-runner.js` with an IPC channel. It runs one
 * submission after another exactly as `wirelab run SCENARIO --out DIR --var submission=DIR --json`
 * would (same code: run.ts's runLoaded), but keeps Node, wirelab's modules and the compiled
 * scenario loaded between them (compiled per submission: each has its own `{{submission}}`, and
 * perhaps its student's variant). Each submission still gets a world of its own: the run builds
 * and tears down its own topology, and its programs start in the slot's sandbox (handed over
 * per job, as the `wirelab run` child got it in WIRELAB_SANDBOX).
 *
 * After a run that was interrupted (SIGTERM from the grader's wall-clock limit, an exception)
 * or that failed outside its checks, the runner exits instead of taking another job: the
 * grader starts a fresh one.
 */
import { printDiagnostics } from './diagnostics-out.js';
import { reportError } from './exit.js';
import { runLoaded } from './run.js';
import { SANDBOX_ENV, sandboxFromEnv } from '../sandbox/limits.js';
import { readScenario } from '../scenario/read.js';
import type { LoadedScenario } from '../scenario/load.js';
import type { RunnerJob, RunnerReply } from '../grade/runner-protocol.js';

let busy = false;
let leaving = false;

function reply(m: RunnerReply): Promise<void> {
  return new Promise((res) => {
    if (!process.connected) return res();
    process.send!(m, undefined, undefined, () => res());
  });
}

/** Runs one job; returns its exit code and whether this runner may take another. */
async function runJob(job: RunnerJob): Promise<{ exitCode: number; reusable: boolean }> {
  // nothing has run yet: a scenario that does not load leaves this runner as it was
  let r;
  try {
    r = await readScenario(job.scenarioFile, {
      vars: job.vars,
      ...(job.student !== undefined ? { student: job.student, derived: job.derived ?? {} } : {}),
      strict: true,
    });
  } catch (e) {
    return { exitCode: reportError(e), reusable: true };
  }
  if (!r.ok) {
    printDiagnostics(r.diagnostics);
    return { exitCode: 2, reusable: true };
  }
  const loaded: LoadedScenario = r.loaded;
  // Host threads copy process.env when they start: the sandbox reaches them as it reached
  // the `wirelab run` child's.
  if (job.sandboxEnv !== undefined) process.env[SANDBOX_ENV] = job.sandboxEnv;
  else delete process.env[SANDBOX_ENV];
  try {
    const { exitCode, interrupted } = await runLoaded(loaded, {
      out: job.out,
      output: 'none',
      vars: job.vars,
      allowTargets: [],
      report: true,
      sandbox: sandboxFromEnv(),
    });
    return { exitCode, reusable: !interrupted && !leaving };
  } finally {
    delete process.env[SANDBOX_ENV];
  }
}

process.on('message', (m: RunnerJob) => {
  if (busy || leaving) return;
  busy = true;
  void (async () => {
    await reply({ type: 'started', id: m.id });
    let exitCode: number;
    let reusable: boolean;
    try {
      ({ exitCode, reusable } = await runJob(m));
    } catch (e) {
      exitCode = reportError(e);
      reusable = false;
    }
    await reply({ type: 'done', id: m.id, exitCode, last: !reusable });
    busy = false;
    if (!reusable) {
      process.exitCode = exitCode;
      process.disconnect();
      // whatever a broken run left running (a timer, a thread) does not keep this process
      setTimeout(() => process.exit(exitCode), 1000).unref();
    }
  })();
});

// The grader went away (the channel closed): leave now, or after the running job, which is
// interrupted and tears down (setpriv --pdeathsig covers a grader killed outright).
process.on('disconnect', () => {
  leaving = true;
  if (busy) process.kill(process.pid, 'SIGTERM');
  else setTimeout(() => process.exit(0), 1000).unref();
});

void reply({ type: 'ready' });
