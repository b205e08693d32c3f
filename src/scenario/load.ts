import { dirname, resolve } from 'node:path';
import type { Scenario, Step } from '../generated/scenario.js';
import { stepKinds, type AnyStepKind } from '../steps/index.js';
import { condense } from './ajv-errors.js';
import { closest, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { schemas } from './schemas.js';
import { Source, type Path } from './source.js';
import { checkNames, stepKindOf, COMMON_KEYS } from './check.js';
import { planTopology, type TopologyPlan } from '../topology/plan.js';

/** At most this many problems are reported per file (then one line saying how many were not looked for). */
export const MAX_PROBLEMS = 1000;

/** A scenario that passed every check: nothing runs unless `diagnostics` is empty. */
export interface LoadedScenario {
  file: string;
  dir: string;
  source: Source;
  scenario: Scenario;
  /** The scenario's topology, checked and planned (undefined without a `topology:`). */
  topology: TopologyPlan | undefined;
}

export type LoadResult = { ok: true; loaded: LoadedScenario } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Loads a scenario file: YAML syntax, then the schema (document, then each step against its
 * own kind), then names and references. All problems are reported together.
 */
export async function loadScenario(file: string): Promise<LoadResult> {
  const { source, diagnostics } = await Source.read(file);
  if (!source) return { ok: false, diagnostics };
  return finish(source, diagnostics, file);
}

export function loadScenarioText(file: string, text: string): LoadResult {
  const { source, diagnostics } = Source.parse(file, text);
  return finish(source, diagnostics, file);
}

function finish(source: Source, syntax: Diagnostic[], file: string): LoadResult {
  if (syntax.length) return { ok: false, diagnostics: capped(sortDiagnostics(syntax), file) };
  const value = source.toJS();
  const diagnostics = validate(source, value);
  let topology: TopologyPlan | undefined;
  if (diagnostics.length === 0) {
    const scenario = value as Scenario;
    const topo = scenario.topology;
    if (topo) {
      const planned = planTopology(topo);
      if (planned.ok) topology = planned.plan;
      else for (const p of planned.problems) diagnostics.push(source.diag(p.path, 'bad-topology', p.message));
    }
    diagnostics.push(...checkNames(source, scenario, topo ? new Set(Object.keys(topo.hosts)) : undefined));
  }
  if (diagnostics.length) return { ok: false, diagnostics: capped(sortDiagnostics(diagnostics), file) };
  return { ok: true, loaded: { file, dir: dirname(resolve(file)), source, scenario: value as Scenario, topology } };
}

function capped(ds: Diagnostic[], file: string): Diagnostic[] {
  if (ds.length <= MAX_PROBLEMS) return ds;
  const last = ds[MAX_PROBLEMS - 1];
  return [
    ...ds.slice(0, MAX_PROBLEMS),
    { file, line: last.line, col: last.col, code: 'too-many-problems', message: `stopped after ${MAX_PROBLEMS} problems; fix these and validate again` },
  ];
}

function validate(source: Source, value: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const set = schemas();
  if (!set.scenario(value)) {
    for (const p of condense(set.scenario.errors ?? [], 'the scenario')) {
      if (out.length > MAX_PROBLEMS) break;
      out.push(source.diag(p.path, p.code, p.message, p.onKey));
    }
  }
  const steps = (value as { steps?: unknown })?.steps;
  if (Array.isArray(steps)) validateSteps(source, steps, ['steps'], out);
  return out;
}

function validateSteps(source: Source, steps: unknown[], at: Path, out: Diagnostic[]): void {
  steps.forEach((step, i) => {
    if (out.length > MAX_PROBLEMS) return; // capped: the rest is not looked at
    const path = [...at, i];
    if (!step || typeof step !== 'object' || Array.isArray(step)) return; // reported by the document schema
    const found = stepKindOf(step as Step);
    if (found.problem) {
      out.push(source.diag([...path, ...found.problem.path], found.problem.code, found.problem.message, true));
      return;
    }
    const kind = found.kind!;
    const validator = schemas().step(kind.kind);
    if (!validator(step)) {
      for (const p of condense(validator.errors ?? [], `the ${kind.kind} step`)) out.push(source.diag([...path, ...p.path], p.code, p.message, p.onKey));
    }
    const body = (step as unknown as Record<string, unknown>)[kind.kind];
    for (const child of kind.children?.(body) ?? []) validateSteps(source, child.steps, [...path, kind.kind, ...child.path], out);
  });
}

export { closest, COMMON_KEYS, type AnyStepKind, stepKinds };
