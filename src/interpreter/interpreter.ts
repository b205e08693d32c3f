import { performance } from 'node:perf_hooks';
import type { Check, RunRecord, StepRecord } from '../generated/run-record.js';
import type { Host } from '../hosts/host.js';
import type { CompiledChildren, CompiledStep } from '../scenario/compile.js';
import type { LoadedScenario } from '../scenario/load.js';
import type { Path } from '../util/yaml-path.js';
import { exitClassOf, WirelabError } from '../errors.js';
import { StepTimeout } from '../steps/step-timeout.js';
import type { Reporter } from './reporter.js';
import { fmtMs } from '../util/format-ms.js';
import type { RunState, StepRunContext } from '../steps/context.js';
import { TeardownStack } from './teardown.js';
import { buildRecord, pathString } from './record.js';
import { earnedPoints } from './earned.js';
import { OrderedBranches, type StepEvents } from './ordered-branches.js';

export interface InterpreterOptions {
  runName: string;
  runDir: string;
  hosts: (name: string) => Host;
  /** Every hook present: the run passes its reporters behind a ReporterMultiplexer. */
  reporter: Required<Reporter>;
  vars?: Record<string, string>;
  addresses?: Map<string, string[]>;
  /** CIDRs probes may target besides loopback. */
  allowedTargets?: string[];
  resolvers?: RunState['resolvers'];
  /**
   * Called after the steps, before teardown (a live lab holds its servers up here until it is
   * taken down); `signal` aborts when the run is interrupted or times out.
   */
  afterSteps?: (steps: StepRecord[], signal: AbortSignal) => Promise<void>;
}

class Interrupted extends Error {}

/**
 * Runs a validated scenario: steps in order, each under its timeout and the run's; records
 * everything; tears down LIFO whatever happened. It never throws for a failed expectation:
 * that is a result. It throws only for bugs in itself.
 */
export class Interpreter {
  readonly teardown = new TeardownStack();
  private readonly abort = new AbortController();
  private interruptReason: string | undefined;
  private readonly state: RunState;
  private runDeadline = Infinity;

  constructor(
    private readonly loaded: LoadedScenario,
    private readonly opts: InterpreterOptions,
  ) {
    this.state = {
      scenarioDir: loaded.dir,
      runDir: opts.runDir,
      t0: performance.now(),
      connections: new Map(),
      connectionHosts: new Map(),
      fixtures: new Map(),
      endpoints: new Map(),
      addresses: opts.addresses ?? new Map([['local', ['127.0.0.1', '::1']]]),
      vars: { dir: loaded.dir, ...opts.vars },
      allowedTargets: opts.allowedTargets ?? [],
      resolvers: opts.resolvers ?? new Map<string, { nameservers: string[]; search: string[]; ndots?: number }>(),
    };
  }

  /** Stops the run: the current step is abandoned, the rest skipped, teardown runs. */
  interrupt(reason: string): void {
    if (this.interruptReason) return;
    this.interruptReason = reason;
    this.abort.abort(new Interrupted(reason));
  }

  async run(): Promise<RunRecord> {
    const startedAt = new Date();
    const { scenario, plan } = this.loaded;
    const runTimeout = plan.timeoutMs;
    this.runDeadline = performance.now() + runTimeout;
    const runTimer = setTimeout(() => this.interrupt('timeout'), runTimeout);
    this.opts.reporter.runStarted({ name: scenario.name, title: scenario.title, steps: countSteps(plan.steps) });
    let steps: StepRecord[] = [];
    try {
      steps = await this.runSteps(plan.steps, 0, this.abort.signal, this.opts.reporter);
      if (this.opts.afterSteps && !this.abort.signal.aborted) await this.opts.afterSteps(steps, this.abort.signal);
    } finally {
      clearTimeout(runTimer);
      const errors = await this.teardown.run();
      for (const e of errors) process.emitWarning(`teardown of ${e.label} failed: ${e.error}`);
    }
    const record = buildRecord({
      loaded: this.loaded,
      runName: this.opts.runName,
      startedAt,
      durationMs: performance.now() - this.state.t0,
      steps,
      interrupted: this.interruptReason,
    });
    this.opts.reporter.runFinished(record);
    return record;
  }

  /**
   * Runs a list in order. `parent` is the enclosing step's signal (the run's at the top): when it
   * aborts (the run is interrupted, or the enclosing step timed out), the running step is
   * stopped and the rest skipped. `events` is where the terminal hears of them.
   */
  private async runSteps(steps: readonly CompiledStep[], depth: number, parent: AbortSignal, events: StepEvents): Promise<StepRecord[]> {
    const out: StepRecord[] = [];
    for (const step of steps) out.push(await this.runStep(step, depth, parent, events));
    return out;
  }

  private async runStep(step: CompiledStep, depth: number, parent: AbortSignal, events: StepEvents): Promise<StepRecord> {
    const rec: StepRecord = {
      path: pathString(step.path),
      line: step.line,
      kind: step.kind,
      ...(step.id ? { id: step.id } : {}),
      title: step.title,
      host: step.host(this.state),
      status: 'skipped',
      startMs: round(performance.now() - this.state.t0),
      durationMs: 0,
      checks: [],
      ...(step.points !== undefined ? { points: step.points, earned: 0 } : {}),
      ...(step.partial ? { partial: true } : {}),
      ...(step.hidden ? { hidden: true } : {}),
    };
    if (performance.now() >= this.runDeadline) this.interrupt('timeout');
    if (parent.aborted) return this.finish(rec, depth, false, events);
    events.stepStarted({ path: rec.path, kind: rec.kind, title: rec.title, host: rec.host, depth });

    const ownTimeoutMs = step.timeoutMs ?? Infinity;
    const timeoutMs = Math.min(ownTimeoutMs, this.runDeadline - performance.now());
    const boundByRun = timeoutMs < ownTimeoutMs;
    const stepAbort = new AbortController();
    const onRunAbort = () => stepAbort.abort(parent.reason);
    parent.addEventListener('abort', onRunAbort, { once: true });
    const deadline = performance.now() + timeoutMs;
    const ctx = this.context(rec, stepAbort.signal, deadline, step, depth, events);
    let timer: NodeJS.Timeout | undefined;
    const started = performance.now();
    try {
      const guard = new Promise<never>((_, reject) => {
        if (Number.isFinite(timeoutMs))
          timer = setTimeout(() => reject(new StepTimeout(`the step did not finish within ${fmtMs(timeoutMs)}`)), Math.max(0, timeoutMs));
        stepAbort.signal.addEventListener(
          'abort',
          () => reject(stepAbort.signal.reason instanceof Error ? stepAbort.signal.reason : new Error(String(stepAbort.signal.reason))),
          { once: true },
        );
      });
      await Promise.race([step.run(ctx), guard]);
      rec.status = rec.checks.every((c) => c.passed) ? 'passed' : 'failed';
    } catch (e) {
      rec.status = e instanceof Interrupted && this.interruptReason !== 'timeout' ? 'skipped' : 'errored';
      // Stopped because the enclosing step timed out (the reason is the parent's own StepTimeout).
      const byParent = e instanceof StepTimeout && parent !== this.abort.signal && parent.reason === e;
      const message = byParent
        ? `stopped: the enclosing step ${e.message.replace(/^the step /, '')}`
        : e instanceof Interrupted
          ? e.message === 'timeout'
            ? 'the run went past its timeout'
            : `interrupted by ${e.message}`
          : e instanceof Error
            ? e.message
            : String(e);
      rec.error = {
        message,
        ...(e instanceof WirelabError ? { code: e.code } : e instanceof StepTimeout ? { code: 'timeout' } : {}),
        exit: exitClassOf(e),
      };
      if (e instanceof StepTimeout) {
        stepAbort.abort(e);
        // Stopped because the run's time ran out, not the step's own: the run is over.
        if (boundByRun) this.interrupt('timeout');
      }
    } finally {
      clearTimeout(timer);
      parent.removeEventListener('abort', onRunAbort);
    }
    rec.durationMs = round(performance.now() - started);
    return this.finish(rec, depth, true, events);
  }

  private finish(rec: StepRecord, depth: number, ran: boolean, events: StepEvents): StepRecord {
    if (rec.points !== undefined) rec.earned = earnedPoints(rec);
    if (ran) events.stepFinished(rec, depth);
    return rec;
  }

  private context(
    rec: StepRecord,
    signal: AbortSignal,
    deadline: number,
    step: CompiledStep,
    depth: number,
    events: StepEvents,
  ): StepRunContext {
    const group = (sub: Path) => {
      const found = step.children.find((c) => samePath(c.path, sub));
      if (!found) throw new Error(`bug: a ${step.kind} step has no nested steps at ${sub.join('.')}`);
      return found;
    };
    // Records of the nested lists run so far, by list, kept in the order the kind declares them.
    const done = new Map<CompiledChildren, StepRecord[]>();
    const attach = () => {
      rec.children = step.children.flatMap((c) => done.get(c) ?? []);
    };
    return {
      run: this.state,
      signal,
      timeLeftMs: () => deadline - performance.now(),
      host: (name) => this.opts.hosts(name),
      check: (c: Check) => void rec.checks.push(c),
      transcript: (e) => void (rec.transcript ??= []).push({ t: round(performance.now() - this.state.t0), ...e }),
      detail: (key, value) => void Object.assign(rec, { [key]: value }),
      onTeardown: (label, fn) => this.teardown.push(label, fn),
      runChildren: async (sub: Path) => {
        const g = group(sub);
        const children = await this.runSteps(g.steps, depth + 1, signal, events);
        done.set(g, children);
        attach();
        return children;
      },
      runConcurrently: async (subs: readonly Path[]) => {
        const groups = subs.map(group);
        const order = new OrderedBranches(events, groups.length);
        const results = await Promise.all(
          groups.map(async (g, i) => {
            try {
              const children = await this.runSteps(g.steps, depth + 1, signal, order.branch(i));
              done.set(g, children);
              return children;
            } finally {
              order.finished(i);
            }
          }),
        );
        attach();
        return results;
      },
    };
  }
}

/** The steps the terminal announces: the top-level ones, a parallel group counted as its branches' steps. */
function countSteps(steps: readonly CompiledStep[]): number {
  return steps.reduce((n, s) => n + (s.concurrent ? s.children.reduce((m, c) => m + countSteps(c.steps), 0) : 1), 0);
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
