import type { Scenario, Step } from '../generated/scenario.js';
import { stepKinds, type AnyStepKind } from '../steps/index.js';
import type { CheckScope } from '../steps/kind.js';
import { didYouMean, type Diagnostic } from './diagnostics.js';
import type { Path, Source } from './source.js';

/** Keys every step may have beside its kind. */
export const COMMON_KEYS = ['id', 'name', 'points', 'partial', 'hidden', 'timeout'] as const;

/** Finds the one step-kind key of a step mapping, or says what is wrong with it. */
export function stepKindOf(step: Step): { kind?: AnyStepKind; problem?: { path: Path; code: string; message: string } } {
  const keys = Object.keys(step);
  const kinds = keys.filter((k) => stepKinds.has(k));
  const names = [...stepKinds.keys()];
  if (kinds.length === 1) return { kind: stepKinds.get(kinds[0]) };
  if (kinds.length > 1) {
    return { problem: { path: [kinds[1]], code: 'conflicting-keys', message: `a step has exactly one kind, found "${kinds[0]}" and "${kinds[1]}"` } };
  }
  const unknown = keys.filter((k) => !(COMMON_KEYS as readonly string[]).includes(k));
  if (unknown.length) {
    return { problem: { path: [unknown[0]], code: 'unknown-step', message: `unknown step kind "${unknown[0]}"${didYouMean(unknown[0], names)}; expected one of: ${names.join(', ')}` } };
  }
  return { problem: { path: [keys[0] ?? 0], code: 'missing-key', message: `a step needs a kind, one of: ${names.join(', ')}` } };
}

/**
 * Names and references, in the order steps run: ids unique, connections and fixtures
 * defined before use, hosts known. Each step kind says what it defines and uses.
 */
export function checkNames(source: Source, scenario: Scenario, hosts: ReadonlySet<string> = new Set(['local'])): Diagnostic[] {
  const out: Diagnostic[] = [];
  const defined = new Map<string, Map<string, Path>>();
  const everDefined = new Map<string, Set<string>>();
  // First pass: everything defined anywhere, so "used before defined" can be told from "unknown".
  walk(scenario.steps, ['steps'], (kind, body) => {
    kind.check?.(body, {
      ...scopeBase(),
      define: (space, name) => void everDefined.set(space, (everDefined.get(space) ?? new Set()).add(name)),
    });
  });
  const ids = new Map<string, Path>();
  walk(scenario.steps, ['steps'], (kind, body, bodyPath, step, stepPath) => {
    if (step.id !== undefined) {
      if (ids.has(step.id)) out.push(source.diag([...stepPath, 'id'], 'duplicate-id', `step id "${step.id}" is already used at line ${source.at(ids.get(step.id)!).line}`));
      else ids.set(step.id, [...stepPath, 'id']);
    }
    kind.check?.(body, {
      ...scopeBase(),
      error: (p, code, message, onKey) => out.push(source.diag([...bodyPath, ...p], code, message, onKey)),
      errorInValue: (p, col, code, message) => out.push(source.diag([...bodyPath, ...p], code, message, false, col)),
      define(space, name, p) {
        const names = defined.get(space) ?? new Map<string, Path>();
        defined.set(space, names);
        const prev = names.get(name);
        if (prev) out.push(source.diag([...bodyPath, ...p], `duplicate-${space}`, `${space} "${name}" is already defined at line ${source.at(prev).line}`));
        else names.set(name, [...bodyPath, ...p]);
      },
      use(space, name, p) {
        if (defined.get(space)?.has(name)) return;
        const known = [...(everDefined.get(space) ?? [])];
        const message = known.includes(name)
          ? `${space} "${name}" is used before it is defined (steps run in order)`
          : `unknown ${space} "${name}"${didYouMean(name, known)}${known.length ? `; defined so far: ${[...(defined.get(space)?.keys() ?? [])].join(', ') || 'none'}` : ''}`;
        out.push(source.diag([...bodyPath, ...p], known.includes(name) ? 'use-before-definition' : `unknown-${space}`, message));
      },
      known: (space) => [...(everDefined.get(space) ?? [])],
      host(name, p) {
        if (name === undefined || hosts.has(name)) return;
        out.push(source.diag([...bodyPath, ...p], 'unknown-host', `unknown host "${name}"${didYouMean(name, hosts)}; hosts: ${[...hosts].join(', ')}`));
      },
    });
  });
  return out;

  function scopeBase(): CheckScope {
    return { error: () => {}, errorInValue: () => {}, hosts, define: () => {}, use: () => {}, host: () => {}, known: () => [] };
  }
}

type Visitor = (kind: AnyStepKind, body: any, bodyPath: Path, step: Step, stepPath: Path) => void;

export function walk(steps: Step[], at: Path, visit: Visitor): void {
  steps.forEach((step, i) => {
    const stepPath = [...at, i];
    const { kind } = stepKindOf(step);
    if (!kind) return;
    const body = (step as unknown as Record<string, unknown>)[kind.kind];
    visit(kind, body, [...stepPath, kind.kind], step, stepPath);
    for (const child of kind.children?.(body) ?? []) walk(child.steps as Step[], [...stepPath, kind.kind, ...child.path], visit);
  });
}
