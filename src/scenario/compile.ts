import type { TopologyPlan } from '../topology/plan.js';
import type { Scenario } from '../generated/scenario.js';
import type { StepRunContext, RunState } from '../steps/context.js';
import { isStepKindName, stepKindNames, stepKinds } from '../steps/index.js';
import { COMMON_KEYS, type BodyOf, type CheckScope, type StepKind, type StepKindName } from '../steps/kind.js';
import { durationMs, durationProblem, durationWarning } from '../util/duration.js';
import { condense } from './ajv-errors.js';
import { asWarning, didYouMean, MAX_PROBLEMS, type Diagnostic } from './diagnostics.js';
import { schemas } from './schemas.js';
import type { Path, Source } from './source.js';
import { coerceRefs, pathPointer } from './variables.js';

/** The run's timeout when the scenario sets none. */
export const DEFAULT_RUN_TIMEOUT_MS = 10 * 60_000;

/** The keys every step may have beside its kind, as the generated step types give them. */
interface CommonStepKeys {
  id?: string;
  name?: string;
  points?: number;
  partial?: boolean;
  hidden?: boolean;
  timeout?: number | string;
}

/** A step mapping of kind K, as its kind's schema has proven it. */
type StepShape<K extends StepKindName> = { [P in K]: BodyOf<K> } & CommonStepKeys;

/** A nested step list of a step (a capture's `during`), at `path` below the step's body. */
export interface CompiledChildren {
  readonly path: Path;
  readonly steps: readonly CompiledStep[];
}

interface CompiledStepBase {
  /** Where the step mapping is (`['steps', 2, 'capture', 'during', 0]`). */
  readonly path: Path;
  /** Where its body is (the path plus the kind key). */
  readonly bodyPath: Path;
  readonly line: number;
  readonly col: number;
  readonly id?: string;
  /** `name:` or the kind's one-line summary: the title in the terminal, the record, grades. */
  readonly title: string;
  readonly points?: number;
  readonly partial: boolean;
  readonly hidden: boolean;
  /** Its own timeout (`timeout:` or the kind's default) in ms; undefined: only the run bounds it. */
  readonly timeoutMs?: number;
  /** Nested step lists, found through the kind definition. */
  readonly children: readonly CompiledChildren[];
  /** Its nested lists run at the same time (a `parallel` group's branches). */
  readonly concurrent: boolean;
  /** The host it runs on (may depend on the run: the host that opened a named connection). */
  host(run: RunState): string;
  /** The kind's semantic checks (names, references) of this step's body. */
  check(scope: CheckScope): void;
  /** Carries the step out. */
  run(ctx: StepRunContext): Promise<void>;
}

/** A compiled step of kind K: its definition and its body typed by the generated body type. */
export type CompiledStepOf<K extends StepKindName> = CompiledStepBase & {
  readonly kind: K;
  readonly def: StepKind<K>;
  readonly body: BodyOf<K>;
};

type CompiledSteps<KS extends StepKindName> = { [K in KS]: CompiledStepOf<K> };
/** A compiled step of any kind; narrow on `kind` to get its body's type. */
export type CompiledStep = CompiledSteps<StepKindName>[StepKindName];

/** A scenario compiled once: what the name checks, the interpreter and grading consume. */
export interface CompiledPlan {
  readonly name: string;
  readonly title?: string;
  readonly timeoutMs: number;
  readonly steps: readonly CompiledStep[];
  /** The topology, checked and planned (undefined without a `topology:`). */
  readonly topology?: TopologyPlan;
}

/**
 * Compiles a step list: finds each step's kind, validates it against its kind's own schema
 * (so two mistakes give two errors, not nine), and compiles its nested lists, which the kind
 * definition names. Problems go to `out`; a step with one is left out of the result.
 * This is the only reader of raw step mappings.
 */
export function compileSteps(
  source: Source,
  raw: unknown,
  at: Path,
  out: Diagnostic[],
  wholeRefs: Map<string, string> = new Map(),
): CompiledStep[] {
  if (!Array.isArray(raw)) return []; // reported by the document schema
  const steps: CompiledStep[] = [];
  raw.forEach((step: unknown, i) => {
    if (out.length > MAX_PROBLEMS) return; // capped: the rest is not looked at
    const path = [...at, i];
    if (!isMapping(step)) return; // reported by the document schema
    const found = kindOf(step);
    if ('problem' in found) {
      out.push(source.diag([...path, ...found.problem.path], found.problem.code, found.problem.message, true));
      return;
    }
    const compiled = compileStep(found.kind, step, source, path, out, wholeRefs);
    if (compiled) steps.push(compiled);
  });
  return steps;
}

/** The plan of a scenario whose document and steps are valid; checks the run-level durations. */
export function compilePlan(source: Source, scenario: Scenario, steps: CompiledStep[], out: Diagnostic[]): CompiledPlan {
  let timeoutMs = DEFAULT_RUN_TIMEOUT_MS;
  if (scenario.timeout !== undefined) {
    const problem = durationProblem(scenario.timeout);
    if (problem) out.push(source.diag(['timeout'], 'duration-too-long', `the run's timeout: ${problem}`));
    else timeoutMs = durationMs(scenario.timeout, DEFAULT_RUN_TIMEOUT_MS);
    const warning = problem ? undefined : durationWarning(scenario.timeout);
    if (warning) out.push(asWarning(source.diag(['timeout'], 'unitless-duration', `the run's timeout: ${warning}`)));
  }
  return { name: scenario.name, ...(scenario.title !== undefined ? { title: scenario.title } : {}), timeoutMs, steps };
}

/** Every compiled step, nested ones right after their parent (the order they run in). */
export function* allCompiledSteps(steps: readonly CompiledStep[]): Generator<CompiledStep> {
  for (const s of steps) {
    yield s;
    for (const c of s.children) yield* allCompiledSteps(c.steps);
  }
}

function compileStep<K extends StepKindName>(
  name: K,
  raw: Record<string, unknown>,
  source: Source,
  path: Path,
  out: Diagnostic[],
  wholeRefs: Map<string, string>,
): CompiledSteps<K>[K] | undefined {
  const validator = schemas().step(name);
  const def: StepKind<K> = stepKinds[name];
  const bodyPath = [...path, name];
  if (!isStepOf(name, raw, pathPointer(path), wholeRefs)) {
    const opts = { base: () => 1, text: (p: Path) => source.scalarText([...path, ...p]) };
    for (const p of condense(validator.errors ?? [], `the ${name} step`, opts))
      out.push(source.diag([...path, ...p.path], p.code, p.message, p.onKey));
    // the nested steps are looked at all the same: each mistake is reported once
    for (const at of childPaths(def, raw[name])) compileSteps(source, valueAt(raw[name], at), [...bodyPath, ...at], out, wholeRefs);
    return undefined;
  }
  const body: BodyOf<K> = raw[name];
  let timeoutMs = def.defaultTimeoutMs;
  if (raw.timeout !== undefined) {
    const problem = durationProblem(raw.timeout);
    if (problem) out.push(source.diag([...path, 'timeout'], 'duration-too-long', `the step's timeout: ${problem}`));
    else timeoutMs = durationMs(raw.timeout);
    const warning = problem ? undefined : durationWarning(raw.timeout);
    if (warning) out.push(asWarning(source.diag([...path, 'timeout'], 'unitless-duration', `the step's timeout: ${warning}`)));
  }
  const children = childPaths(def, body).map((at) => ({
    path: at,
    steps: compileSteps(source, valueAt(body, at), [...bodyPath, ...at], out, wholeRefs),
  }));
  const { line, col } = source.at(path);
  return {
    kind: name,
    def,
    body,
    path,
    bodyPath,
    line,
    col,
    ...(raw.id !== undefined ? { id: raw.id } : {}),
    title: raw.name ?? def.describe(body),
    ...(raw.points !== undefined ? { points: raw.points } : {}),
    partial: raw.partial === true,
    hidden: raw.hidden === true,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    children,
    concurrent: def.concurrent === true,
    host: (run) => def.host(body, run),
    check: (scope) => def.check?.(body, scope),
    run: (ctx) => def.run(body, ctx),
  };
}

/** The kind's schema (compiled from schemas/steps/K.schema.json) proves the mapping is a step of kind K. */
function isStepOf<K extends StepKindName>(
  name: K,
  step: Record<string, unknown>,
  at: string,
  wholeRefs: Map<string, string>,
): step is Record<string, unknown> & StepShape<K> {
  // a whole `{{var}}` holding a number where the kind wants a string gets its text (coerceRefs)
  return coerceRefs(schemas().step(name), step, at, wholeRefs);
}

/** Where a kind's nested step lists are below a body (validated or not). */
function childPaths(def: { readonly children?: readonly Path[] | ((body: unknown) => readonly Path[]) }, body: unknown): readonly Path[] {
  const c = def.children ?? [];
  return typeof c === 'function' ? c(body) : c;
}

/** The value at `path` below `v`, if there is one (a nested step list, before or after validation). */
function valueAt(v: unknown, path: Path): unknown {
  let at = v;
  for (const key of path) {
    if (typeof key === 'number' && Array.isArray(at)) {
      const list: readonly unknown[] = at;
      at = list[key];
    } else if (typeof key === 'string' && isMapping(at)) at = at[key];
    else return undefined;
  }
  return at;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Finds the one step-kind key of a step mapping, or says what is wrong with it. */
function kindOf(step: Record<string, unknown>): { kind: StepKindName } | { problem: { path: Path; code: string; message: string } } {
  const keys = Object.keys(step);
  const kinds = keys.filter(isStepKindName);
  const names = stepKindNames;
  if (kinds.length === 1) return { kind: kinds[0] };
  if (kinds.length > 1) {
    return {
      problem: {
        path: [kinds[1]],
        code: 'conflicting-keys',
        message: `a step has exactly one kind, found "${kinds[0]}" and "${kinds[1]}"`,
      },
    };
  }
  const unknown = keys.filter((k) => !(COMMON_KEYS as readonly string[]).includes(k));
  if (unknown.length) {
    return {
      problem: {
        path: [unknown[0]],
        code: 'unknown-step',
        message: `unknown step kind "${unknown[0]}"${didYouMean(unknown[0], names)}; expected one of: ${names.join(', ')}`,
      },
    };
  }
  return { problem: { path: [keys[0] ?? 0], code: 'missing-key', message: `a step needs a kind, one of: ${names.join(', ')}` } };
}
