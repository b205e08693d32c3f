import type { CheckScope } from '../steps/kind.js';
import { durationProblem, durationWarning } from '../util/duration.js';
import { filterMayMatch, filtersDisjoint, scannedPorts } from '../steps/capture-filter.js';
import { allCompiledSteps, type CompiledPlan, type CompiledStep } from './compile.js';
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
  const definedAt = new Map<string, Path[]>();
  for (const step of allCompiledSteps(plan.steps)) {
    step.check({
      ...scopeBase(),
      define: (space, name, p) => {
        everDefined.set(space, (everDefined.get(space) ?? new Set()).add(name));
        const key = `${space}\0${name}`;
        definedAt.set(key, [...(definedAt.get(key) ?? []), [...step.bodyPath, ...p]]);
      },
    });
  }
  const ids = new Map<string, Path>();
  // The nested lists that run at the same time: a parallel step's branches, by absolute path.
  const concurrent = [...allCompiledSteps(plan.steps)]
    .filter((s) => s.concurrent)
    .map((s) => s.children.map((c) => [...s.bodyPath, ...c.path]));
  /** Whether two places are in different branches of one parallel step (so run at the same time). */
  const siblings = (a: Path, b: Path) =>
    concurrent.some((groups) => {
      const ia = groups.findIndex((g) => under(a, g));
      const ib = groups.findIndex((g) => under(b, g));
      return ia >= 0 && ib >= 0 && ia !== ib;
    });
  /**
   * Walks a list in the order it runs. `visible` holds the names usable at this point
   * (`space\0name`): a name defined in a branch is visible further down that branch and after
   * the parallel step, never in its sibling branches.
   */
  const walk = (steps: readonly CompiledStep[], visible: Set<string>) => {
    for (const step of steps) {
      checkStep(step, visible);
      if (!step.concurrent) {
        for (const c of step.children) walk(c.steps, visible);
        continue;
      }
      const branches = step.children.map((c) => {
        const own = new Set(visible);
        walk(c.steps, own);
        return own;
      });
      for (const b of branches) for (const k of b) visible.add(k);
      checkCaptureOverlaps(step);
    }
  };
  const checkStep = (step: CompiledStep, visible: Set<string>) => {
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
        visible.add(`${space}\0${name}`);
        const prev = names.get(name);
        if (prev)
          out.push(
            source.diag([...bodyPath, ...p], `duplicate-${space}`, `${space} "${name}" is already defined at line ${source.at(prev).line}`),
          );
        else names.set(name, [...bodyPath, ...p]);
      },
      use(space, name, p) {
        if (visible.has(`${space}\0${name}`)) return;
        const at = [...bodyPath, ...p];
        const sibling = (definedAt.get(`${space}\0${name}`) ?? []).find((d) => siblings(d, at));
        if (sibling) {
          out.push(
            source.diag(
              at,
              'name-in-sibling-branch',
              `${space} "${name}" is defined in another branch of the parallel step (line ${source.at(sibling).line}); branches run at the same time, so a name bound in one is not visible in another: use it in the same branch or after the parallel step`,
            ),
          );
          return;
        }
        const known = [...(everDefined.get(space) ?? [])];
        const sofar = [...visible].filter((k) => k.startsWith(`${space}\0`)).map((k) => k.slice(space.length + 1));
        const message = known.includes(name)
          ? `${space} "${name}" is used before it is defined (steps run in order)`
          : `unknown ${space} "${name}"${didYouMean(name, known)}${known.length ? `; defined so far: ${sofar.join(', ') || 'none'}` : ''}`;
        out.push(source.diag(at, known.includes(name) ? 'use-before-definition' : `unknown-${space}`, message));
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
  };
  /**
   * Captures in different branches run at the same time: on one host and interface, each would
   * also record the other's packets unless their filters keep them apart.
   */
  const checkCaptureOverlaps = (step: CompiledStep) => {
    const perBranch = step.children.map((c) => [...allCompiledSteps(c.steps)].filter((s) => s.kind === 'capture'));
    perBranch.forEach((mine, i) => {
      for (const theirs of perBranch.slice(i + 1))
        for (const a of mine)
          for (const b of theirs) {
            if (a.kind !== 'capture' || b.kind !== 'capture') continue;
            const where = (x: typeof a.body) => [x.on ?? 'local', x.interface ?? 'default'] as const;
            const [ha, ia] = where(a.body);
            const [hb, ib] = where(b.body);
            if (ha !== hb || (ia !== ib && ia !== 'any' && ib !== 'any')) continue;
            if (filtersDisjoint(a.body.filter, b.body.filter)) continue;
            const f = (x: string | undefined) => (x === undefined ? 'no filter' : `filter "${x}"`);
            out.push(
              source.diag(
                [...b.bodyPath, b.body.filter === undefined ? 'as' : 'filter'],
                'overlapping-captures',
                `capture "${b.body.as}" (${f(b.body.filter)}) runs at the same time as capture "${a.body.as}" (${f(a.body.filter)}, line ${a.line}) on host ${hb}: each could hold the other's packets; give them filters that cannot match the same packet (different protocols, or "tcp port N" with different ports), or put them in the same branch`,
              ),
            );
          }
    });
    // A scan in another branch, from the capture's host, of the port the capture keeps: its
    // probes would land in the capture. (Only what is cheap to tell: scans, `[tcp|udp] port N`.)
    perBranch.forEach((mine, i) => {
      const others = step.children.filter((_, j) => j !== i).flatMap((c) => [...allCompiledSteps(c.steps)]);
      for (const cap of mine)
        for (const scan of others) {
          if (cap.kind !== 'capture' || scan.kind !== 'scan' || cap.body.filter === undefined) continue;
          if ((scan.body.from ?? 'local') !== (cap.body.on ?? 'local')) continue;
          const loopback = /^(127\.|::1$|localhost$)/.test(scan.body.target);
          const device = cap.body.interface ?? ((cap.body.on ?? 'local') === 'local' ? 'lo' : 'eth0');
          if (loopback !== (device === 'lo') && device !== 'any') continue;
          const ports = scannedPorts(scan.body);
          if (!ports) continue; // reported by the scan's own check
          if (!filterMayMatch(cap.body.filter, scan.body.method === 'udp' ? 'udp' : 'tcp', ports)) continue;
          if (!/^\s*(tcp|udp)?\s*port\s+\d+\s*$/i.test(cap.body.filter)) continue; // only the port forms are told for sure
          out.push(
            source.diag(
              [...scan.bodyPath, 'ports'],
              'scan-beside-capture',
              `this scan runs at the same time as capture "${cap.body.as}" (filter "${cap.body.filter}", line ${cap.line}) and probes the port it keeps: the capture would hold the scan's packets too; run the scan before or after the parallel step, or in the capture's branch`,
            ),
          );
        }
    });
  };
  walk(plan.steps, new Set());
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

/** Whether `path` is at or below `prefix`. */
function under(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((x, i) => x === path[i]);
}
