import type { Step } from '../generated/scenario.js';
import type { Path } from '../util/yaml-path.js';
import type { RunState, StepRunContext } from './context.js';

/** Keys every step may have beside its kind. */
export const COMMON_KEYS = ['id', 'name', 'points', 'partial', 'hidden', 'timeout'] as const;
export type CommonKey = (typeof COMMON_KEYS)[number];

type KeysOfUnion<T> = T extends unknown ? keyof T : never;

/** The step kinds the scenario schema defines (`serve`, `connect`, …), from the generated types. */
export type StepKindName = Exclude<KeysOfUnion<Step>, CommonKey>;

/** The generated step type of kind K (`StepOf<'send'>` = `SendStep`). */
export type StepOf<K extends StepKindName> = Step extends infer S ? (S extends { [P in K]: unknown } ? S : never) : never;

/** The generated body type of kind K (`BodyOf<'send'>` = `SendBody`). */
export type BodyOf<K extends StepKindName> = Step extends infer S ? (S extends { [P in K]: infer B } ? B : never) : never;

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
  /**
   * Checks a host name (`on:` / `from:` at `path`). `undefined` means the key was left out, so
   * the step runs on `local`: with a topology that has no `local`, that is an error too.
   */
  host(name: string | undefined, path: Path): void;
  /** Checks a duration (`within:`, `wait:`, …) is at most the maximum (24h). */
  duration(value: number | string | undefined, path: Path): void;
}

/**
 * A step kind: one schema file in schemas/steps/, one module in src/steps/, one line in
 * src/steps/index.ts, one test in test/steps/. Its body type is the generated one of its kind
 * name, so a module whose functions take another body does not compile. (The members are
 * function-typed properties, not methods, so their parameters are checked strictly.)
 */
export interface StepKind<K extends StepKindName> {
  readonly kind: K;
  /** Semantic checks beyond the schema (names, references, regexes). */
  readonly check?: (body: BodyOf<K>, scope: CheckScope) => void;
  /** A one-line description for the terminal and reports, e.g. `send "Ada" on s`. */
  readonly describe: (body: BodyOf<K>) => string;
  /** The host the step runs on (`run`: for steps on a named connection, the host that opened it). */
  readonly host: (body: BodyOf<K>, run: RunState) => string;
  /** Default timeout in ms when the step sets none (`undefined`: bounded only by the run). */
  readonly defaultTimeoutMs?: number | undefined;
  /**
   * Where the body holds nested step lists (a capture's `[['during']]`), below the body. The
   * compiler compiles them, also when the body itself has a mistake (two mistakes, two errors).
   * A function gives them from the raw body (unvalidated: it must accept anything), for a kind
   * whose number of lists depends on the body (a `parallel` group's `['branches', i, 'steps']`).
   */
  readonly children?: readonly Path[] | ((body: unknown) => readonly Path[]);
  /**
   * The nested lists run at the same time (a `parallel` group's branches): the name checker
   * keeps each list's names from its siblings and refuses sibling captures that could overlap.
   */
  readonly concurrent?: boolean;
  /** Carries the step out; records checks and details through `ctx`. Throws = errored. */
  readonly run: (body: BodyOf<K>, ctx: StepRunContext) => Promise<void>;
}

export function defineStep<K extends StepKindName>(kind: StepKind<K>): StepKind<K> {
  return kind;
}
