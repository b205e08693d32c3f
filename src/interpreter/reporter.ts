import type { RunRecord, StepRecord } from '../generated/run-record.js';

/**
 * Receives the run as it happens: the terminal display, or nothing (tests, --json). Every hook
 * is optional; a reporter implements the ones it needs. Reporters only watch: the run record
 * and the exit code never depend on them (the interpreter calls them through a
 * ReporterMultiplexer, which contains a reporter that throws).
 */
export interface Reporter {
  runStarted?(info: { name: string; title?: string; steps: number }): void;
  stepStarted?(step: { path: string; kind: string; title: string; host: string; depth: number }): void;
  stepFinished?(record: StepRecord, depth: number): void;
  runFinished?(record: RunRecord): void;
}

/** A reporter that shows nothing. */
export const silentReporter: Reporter = {};

type Hook = keyof Reporter;

/**
 * Calls every hook of every reporter it holds, in order, and isolates them: a reporter that
 * throws (or whose hook returns a rejected promise) does not stop the others or the run. Its
 * first error goes to `errors` (stderr) once, naming the reporter and the hook; later errors of
 * the same reporter are counted, not printed. As Playwright's reporters/multiplexer.ts.
 */
export class ReporterMultiplexer implements Required<Reporter> {
  private readonly failures = new Map<Reporter, number>();

  constructor(
    private readonly reporters: readonly Reporter[],
    private readonly errors: { write(s: string): unknown } = process.stderr,
  ) {}

  runStarted(info: Parameters<Required<Reporter>['runStarted']>[0]): void {
    this.each('runStarted', (r) => r.runStarted?.(info));
  }

  stepStarted(step: Parameters<Required<Reporter>['stepStarted']>[0]): void {
    this.each('stepStarted', (r) => r.stepStarted?.(step));
  }

  stepFinished(record: StepRecord, depth: number): void {
    this.each('stepFinished', (r) => r.stepFinished?.(record, depth));
  }

  runFinished(record: RunRecord): void {
    this.each('runFinished', (r) => r.runFinished?.(record));
  }

  /** How many times each reporter failed (none: an empty map). */
  get failed(): ReadonlyMap<Reporter, number> {
    return this.failures;
  }

  private each(hook: Hook, call: (r: Reporter) => unknown): void {
    for (const r of this.reporters) {
      try {
        const out = call(r);
        if (out && typeof (out as PromiseLike<unknown>).then === 'function') {
          (out as PromiseLike<unknown>).then(undefined, (e: unknown) => this.fail(r, hook, e));
        }
      } catch (e) {
        this.fail(r, hook, e);
      }
    }
  }

  private fail(r: Reporter, hook: Hook, e: unknown): void {
    const n = (this.failures.get(r) ?? 0) + 1;
    this.failures.set(r, n);
    if (n > 1) return;
    const name = r.constructor && r.constructor !== Object ? r.constructor.name : 'a reporter';
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    try {
      this.errors.write(
        `wirelab: ${name} failed in ${hook} (the run goes on, its record is kept; later errors of this reporter are not shown)\n${detail}\n`,
      );
    } catch {
      /* the error stream is closed: nothing more to do */
    }
  }
}
