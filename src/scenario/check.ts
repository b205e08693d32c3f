import type { CheckScope } from '../steps/kind.js';
import { durationProblem, durationWarning } from '../util/duration.js';
import { allCompiledSteps, type CompiledPlan } from './compile.js';
import { asWarning, didYouMean, type Diagnostic } from './diagnostics.js';
import type { Path, Source } from './source.js';

/**
 * Names and references, in the order steps run: ids unique, connections and fixtures
 * defined before use, hosts known. Each step kind says what it defines and uses.
 */
export function checkNames(source: Source, plan: CompiledPlan, hosts: ReadonlySet<string> = new Set(['local'])): Diagnostic[] {
  const out: Diagnostic[] = [];
  const defined = new Map<string, Map<string, Path>>();
  const everDefined = new Map<string, Set<string>>();
  // First pass: everything defined anywhere, so "used before defined" can be told from "unknown".
  for (const step of allCompiledSteps(plan.steps)) {
    step.check({
      ...scopeBase(),
      define: (space, name) => void everDefined.set(space, (everDefined.get(space) ?? new Set()).add(name)),
    });
  }
  const ids = new Map<string, Path>();
  for (const step of allCompiledSteps(plan.steps)) {
    const bodyPath = step.bodyPath;
    if (step.id !== undefined) {
      const prev = ids.get(step.id);
      if (prev)
        out.push(source.diag([...step.path, 'id'], 'duplicate-id', `step id "${step.id}" is already used at line ${source.at(prev).line}`));
      else ids.set(step.id, [...step.path, 'id']);
    }
    step.check({
      ...scopeBase(),
      error: (p, code, message, onKey) => out.push(source.diag([...bodyPath, ...p], code, message, onKey)),
      errorInValue: (p, col, code, message) => out.push(source.diag([...bodyPath, ...p], code, message, false, col)),
      define(space, name, p) {
        const names = defined.get(space) ?? new Map<string, Path>();
        defined.set(space, names);
        const prev = names.get(name);
        if (prev)
          out.push(
            source.diag([...bodyPath, ...p], `duplicate-${space}`, `${space} "${name}" is already defined at line ${source.at(prev).line}`),
          );
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
        if (name === undefined) {
          // Left out: the step runs on `local`, which a topology need not have.
          if (hosts.has('local')) return;
          const key = p[p.length - 1];
          out.push(
            source.diag(
              bodyPath,
              'missing-host',
              `this ${step.kind} step has no "${String(key)}:" and the topology has no host "local"; say which host it runs on with "${String(key)}:", one of: ${[...hosts].join(', ')}`,
              true,
            ),
          );
          return;
        }
        if (hosts.has(name)) return;
        out.push(
          source.diag(
            [...bodyPath, ...p],
            'unknown-host',
            `unknown host "${name}"${didYouMean(name, hosts)}; hosts: ${[...hosts].join(', ')}`,
          ),
        );
      },
      duration(value, p) {
        const problem = value === undefined ? undefined : durationProblem(value);
        if (problem) out.push(source.diag([...bodyPath, ...p], 'duration-too-long', problem));
        const warning = value === undefined || problem ? undefined : durationWarning(value);
        if (warning) out.push(asWarning(source.diag([...bodyPath, ...p], 'unitless-duration', `"${String(p[p.length - 1])}": ${warning}`)));
      },
    });
  }
  return out;

  function scopeBase(): CheckScope {
    return {
      error: () => {},
      errorInValue: () => {},
      hosts,
      define: () => {},
      use: () => {},
      host: () => {},
      known: () => [],
      duration: () => {},
    };
  }
}
