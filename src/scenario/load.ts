import { dirname, resolve } from 'node:path';
import type { Scenario } from '../generated/scenario.js';
import { condense } from './ajv-errors.js';
import { isError, MAX_PROBLEMS, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { schemas } from './schemas.js';
import { Source, type Path } from './source.js';
import { checkNames } from './check.js';
import { compilePlan, compileSteps, type CompiledPlan } from './compile.js';
import { planTopology, type TopologyPlan } from '../topology/plan.js';
import { coerceRefs, resolveVars, substituteVars, type Variant, type VariantOptions } from './variables.js';

/** A scenario that passed every check: nothing runs unless `diagnostics` is empty. */
export interface LoadedScenario {
  file: string;
  dir: string;
  source: Source;
  scenario: Scenario;
  /** The scenario compiled once: what checks, runs and grades read (never the raw steps); its topology planned. */
  plan: CompiledPlan;
  /** What validates but is likely a mistake (`within: 2000`): printed, never a reason not to run. */
  warnings: Diagnostic[];
  /** The student and the variables this plan was compiled with (the run record shows them). */
  variant: Variant;
}

export type LoadResult = { ok: true; loaded: LoadedScenario } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Loads a scenario file: YAML syntax, then the schema (document, then each step against its
 * own kind), then names and references. All problems are reported together.
 */
export async function loadScenario(file: string, opts: VariantOptions = {}): Promise<LoadResult> {
  const { source, diagnostics } = await Source.read(file);
  if (!source) return { ok: false, diagnostics };
  return finish(source, diagnostics, file, opts);
}

export function loadScenarioText(file: string, text: string, opts: VariantOptions = {}): LoadResult {
  const { source, diagnostics } = Source.parse(file, text);
  return finish(source, diagnostics, file, opts);
}

function finish(source: Source, syntax: Diagnostic[], file: string, opts: VariantOptions): LoadResult {
  if (syntax.length) return { ok: false, diagnostics: capped(sortDiagnostics(syntax), file) };
  const raw = source.toJS();
  const diagnostics: Diagnostic[] = [];
  // variables first: everything after this sees the variant, at the paths of the file
  let value = raw;
  let wholeRefs = new Map<string, string>();
  let variant: Variant = { vars: {} };
  if (isMapping(raw)) {
    const values = resolveVars(source, raw, dirname(resolve(file)), opts, diagnostics);
    const sub = substituteVars(source, raw, values, opts.strict === true, diagnostics);
    ({ value, wholeRefs } = sub);
    const declared = isMapping(raw.vars) ? Object.keys(raw.vars) : [];
    const shown = [...values].filter(([n, v]) => declared.includes(n) || v.from !== 'builtin' || sub.used.has(n) || n === 'student');
    variant = { ...(opts.student !== undefined ? { student: opts.student } : {}), vars: Object.fromEntries(shown) };
  }
  diagnostics.push(...validate(source, value, wholeRefs));
  let topology: TopologyPlan | undefined;
  const steps = compileSteps(source, isMapping(value) ? value.steps : undefined, ['steps'], diagnostics, wholeRefs);
  let plan: CompiledPlan | undefined;
  if (!diagnostics.some(isError)) {
    const scenario = value as Scenario;
    const topo = scenario.topology;
    if (topo) {
      const planned = planTopology(topo);
      if (planned.ok) topology = planned.plan;
      else for (const p of planned.problems) diagnostics.push(source.diag(p.path, 'bad-topology', p.message));
    }
    plan = { ...compilePlan(source, scenario, steps, diagnostics), topology };
    diagnostics.push(...checkNames(source, plan, topo ? new Set(Object.keys(topo.hosts)) : undefined));
  }
  if (diagnostics.some(isError) || !plan) return { ok: false, diagnostics: capped(sortDiagnostics(diagnostics), file) };
  const warnings = sortDiagnostics(diagnostics);
  return { ok: true, loaded: { file, dir: dirname(resolve(file)), source, scenario: value as Scenario, plan, warnings, variant } };
}

function capped(ds: Diagnostic[], file: string): Diagnostic[] {
  if (ds.length <= MAX_PROBLEMS) return ds;
  const last = ds[MAX_PROBLEMS - 1];
  return [
    ...ds.slice(0, MAX_PROBLEMS),
    {
      file,
      line: last.line,
      col: last.col,
      code: 'too-many-problems',
      message: `stopped after ${MAX_PROBLEMS} problems; fix these and validate again`,
    },
  ];
}

/** The document against the scenario schema, each step taken as "some mapping" (compile checks the steps). */
function validate(source: Source, value: unknown, wholeRefs: Map<string, string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const set = schemas();
  if (!coerceRefs(set.scenario, value, '', wholeRefs)) {
    const opts = {
      // a host's keys are named from the host: `firewall.reject[0]`, not `topology.hosts.server.firewall.reject[0]`
      base: (p: Path) => (p[0] === 'topology' && p[1] === 'hosts' && p.length > 3 ? 3 : 0),
      text: (p: Path) => source.scalarText(p),
    };
    for (const p of condense(set.scenario.errors ?? [], 'the scenario', opts)) {
      if (out.length > MAX_PROBLEMS) break;
      out.push(source.diag(p.path, p.code, p.message, p.onKey));
    }
  }
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export { MAX_PROBLEMS };
