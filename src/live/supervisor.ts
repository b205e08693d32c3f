/**
 * A live lab's supervisor: the detached process `wirelab up` starts. It builds the topology and
 * starts the lab's servers through the same code as `wirelab run` (runScenario with only the
 * live steps), records the hosts and servers in the lab's state file, then holds everything up
 * until `wirelab down` (SIGTERM), a hang-up or interrupt, or the lab's time to live. Then it
 * ends the sessions still inside the lab, the run's teardown removes servers and namespaces,
 * and the state file goes last.
 */
import { join } from 'node:path';
import type { StepRecord } from '../generated/run-record.js';
import type { LabHost, LabServer } from '../generated/lab-state.js';
import { WirelabError, EnvironmentError, EXIT_CODES } from '../errors.js';
import { silentReporter } from '../interpreter/reporter.js';
import { runScenario } from '../interpreter/run-scenario.js';
import { readScenario } from '../scenario/read.js';
import { formatDiagnostic } from '../scenario/diagnostics.js';
import { processStart } from '../topology/state.js';
import type { Topology } from '../topology/index.js';
import { liveSteps } from './plan.js';
import { writeHostFiles } from './host-files.js';
import { killNetnsProcesses } from './netns-procs.js';
import { readLab, removeLab, saveLab, type LabState } from './state.js';

function log(text: string): void {
  try {
    process.stderr.write(`${new Date().toISOString()} ${text}\n`);
  } catch {
    /* the log is gone */
  }
}

class LabFailed extends Error {
  constructor(
    message: string,
    readonly exit: number = EXIT_CODES['bad-input'],
  ) {
    super(message);
  }
}

function stepFailure(s: StepRecord): LabFailed {
  const why = s.error?.message ?? s.checks.find((c) => !c.passed)?.title ?? s.status;
  return new LabFailed(`${s.title}: ${why}`, EXIT_CODES[s.error?.exit ?? 'checks-failed']);
}

export async function superviseLab(name: string): Promise<number> {
  const initial = readLab(name);
  if (!initial) {
    log(`no state file for lab ${name}`);
    return EXIT_CODES.bug;
  }
  const lab: LabState = { ...initial, pid: process.pid, pidStart: processStart(process.pid) ?? '' };
  saveLab(lab);
  log(`supervisor of lab ${name} (pid ${process.pid}), scenario ${lab.scenario}`);

  let stopReason: string | undefined;
  let wake: (() => void) | undefined;
  const stop = (reason: string) => {
    if (stopReason) return;
    stopReason = reason;
    log(`stopping: ${reason}`);
    wake?.();
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => stop(sig));
  process.on('uncaughtException', (e) => (log(`unexpected error (a bug): ${e.stack ?? String(e)}`), stop('exception')));
  process.on('unhandledRejection', (e) => (log(`unexpected rejection (a bug): ${String(e)}`), stop('exception')));
  // The time to live runs from when the lab is up; building it is bounded by the run's timeout.
  let ttlTimer: NodeJS.Timeout | undefined;

  try {
    const r = await readScenario(lab.scenario, {
      vars: defined(lab.vars),
      ...(lab.student !== undefined ? { student: lab.student } : {}),
      derived: defined(lab.derived),
      strict: true,
    });
    if (!r.ok) throw new LabFailed(r.diagnostics.map(formatDiagnostic).join('\n'));
    const live = liveSteps(r.loaded);
    if (live.diagnostics.length) throw new LabFailed(live.diagnostics.map(formatDiagnostic).join('\n'));
    const loaded = { ...r.loaded, plan: { ...r.loaded.plan, steps: live.steps, timeoutMs: lab.ttlMs + 60_000 } };
    const hold = async (steps: StepRecord[], topo: Topology | undefined, signal: AbortSignal): Promise<void> => {
      const bad = steps.find((s) => s.status !== 'passed');
      if (bad) throw stepFailure(bad);
      if (!topo) throw new LabFailed('a live lab needs a topology');
      const hosts: LabHost[] = topo.plan.hosts.map((h) => ({
        name: h.name,
        netns: h.netns,
        addresses: [...h.addresses],
        router: h.router,
      }));
      writeHostFiles(name, hosts);
      const servers: LabServer[] = steps.flatMap((s) =>
        s.fixture ? [{ name: s.fixture.name, host: s.host, kind: s.fixture.kind, address: s.fixture.address, port: s.fixture.port }] : [],
      );
      const upAt = Date.now();
      ttlTimer = setTimeout(() => stop('time to live is over'), lab.ttlMs);
      Object.assign(lab, {
        status: 'up',
        upAt: new Date(upAt).toISOString(),
        expiresAt: new Date(upAt + lab.ttlMs).toISOString(),
        runId: topo.runId,
        hosts,
        servers,
      });
      saveLab(lab);
      log(
        `up: hosts ${hosts.map((h) => h.name).join(' ')}; servers ${servers.map((s) => `${s.name}@${s.host}:${s.port}`).join(' ') || 'none'}`,
      );
      if (!stopReason && !signal.aborted)
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
      lab.status = 'stopping';
      saveLab(lab);
      const ended = await killNetnsProcesses(hosts.map((h) => h.netns));
      if (ended.length) log(`ended ${ended.length} process(es) still inside the lab: ${ended.join(' ')}`);
    };
    const { record } = await runScenario(loaded, {
      out: lab.workdir,
      reporter: silentReporter,
      vars: defined(lab.vars),
      handleSignals: false,
      afterSteps: hold,
    });
    if (lab.status !== 'stopping') {
      const bad = record.steps.find((s) => s.status !== 'passed');
      throw bad ? stepFailure(bad) : new LabFailed(`the lab did not come up (${record.run.interrupted ?? 'stopped'})`);
    }
    log(`down (${stopReason ?? 'stopped'}); run record ${join(lab.workdir, 'run.json')}`);
    removeLab(name);
    return EXIT_CODES.passed;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    log(`failed: ${err.stack ?? err.message}`);
    const exit = e instanceof WirelabError ? e.exitCode : e instanceof LabFailed ? e.exit : EXIT_CODES.bug;
    Object.assign(lab, {
      status: 'failed',
      error: { message: err.message, exit, ...(e instanceof EnvironmentError ? { fix: e.fix } : {}) },
    });
    saveLab(lab);
    return exit;
  } finally {
    clearTimeout(ttlTimer);
  }
}

function defined(m: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(m ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])));
}
