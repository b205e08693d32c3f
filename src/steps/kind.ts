import type { Path } from '../scenario/source.js';
import type { RunState, StepRunContext } from '../interpreter/step-context.js';

/**
 * What the static checker knows while it walks the steps in order: which names exist so far.
 * Each step kind declares what it defines and uses; the checker reports unknown names and
 * use before definition at the right line.
 */
export interface CheckScope {
  /** Report a problem at `path` below the step body (`[]` = the body itself). */
  error(path: Path, code: string, message: string, onKey?: boolean): void;
  /** Report a problem at column `col` (from 1) inside the one-line string at `path`. */
  errorInValue(path: Path, col: number, code: string, message: string): void;
  /** Host names that exist (`local` without a topology). */
  hosts: ReadonlySet<string>;
  /** Declares a name of a namespace ("conn", "fixture", "capture"); duplicate → error. */
  define(space: string, name: string, path: Path): void;
  /** Requires a name to be defined earlier; else "unknown …" or "… used before it is defined". */
  use(space: string, name: string, path: Path): void;
  /** Every name of a namespace defined anywhere in the scenario (e.g. for packet patterns). */
  known(space: string): string[];
  /** Checks a host name (`on:` / `from:`). */
  host(name: string | undefined, path: Path): void;
}

/**
 * A step kind: one schema file in schemas/steps/, one module in src/steps/, one line in
 * src/steps/index.ts, one test in test/steps/.
 */
export interface StepKind<B = any> {
  readonly kind: string;
  /** Semantic checks beyond the schema (names, references, regexes). */
  check?(body: B, scope: CheckScope): void;
  /** A one-line description for the terminal and reports, e.g. `send "Ada" on s`. */
  describe(body: B): string;
  /** The host the step runs on (`run`: for steps on a named connection, the host that opened it). */
  host(body: B, run: RunState): string;
  /** Default timeout in ms when the step sets none (`undefined`: bounded only by the run). */
  defaultTimeoutMs?: number | undefined;
  /** Nested step lists (a capture's `during`), with their path below the body. */
  children?(body: B): { path: Path; steps: unknown[] }[];
  /** Carries the step out; records checks and details through `ctx`. Throws = errored. */
  run(body: B, ctx: StepRunContext): Promise<void>;
}

export function defineStep<B>(kind: StepKind<B>): StepKind<B> {
  return kind;
}
