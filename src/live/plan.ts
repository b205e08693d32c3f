/**
 * What `wirelab up` runs of a scenario: its top-level `serve` steps, and those in top-level
 * `parallel:` groups (all of them, or those `live.serve` names), one after the other in
 * scenario order; the rest is what people do by hand in the lab.
 */
import type { CompiledStep } from '../scenario/compile.js';
import type { Diagnostic } from '../scenario/diagnostics.js';
import type { LoadedScenario } from '../scenario/load.js';
import { durationMs } from '../util/duration.js';

/** The default time to live of a lab: 4 hours. */
export const DEFAULT_TTL_MS = 4 * 60 * 60_000;

export function liveSteps(loaded: LoadedScenario): { steps: CompiledStep[]; diagnostics: Diagnostic[] } {
  const serves = topLevelServes(loaded.plan.steps);
  const diagnostics: Diagnostic[] = [];
  if (!loaded.plan.topology)
    diagnostics.push(
      loaded.source.diag([], 'live-needs-topology', 'a live lab needs a `topology:` (its hosts are what `wirelab shell` enters)'),
    );
  const wanted = loaded.scenario.live?.serve;
  if (!wanted) return { steps: serves, diagnostics };
  const names = new Map(serves.map((s) => [s.kind === 'serve' ? s.body.as : '', s]));
  wanted.forEach((n, i) => {
    if (!names.has(n))
      diagnostics.push(
        loaded.source.diag(
          ['live', 'serve', i],
          'live-unknown-server',
          `no serve step at the top level or in a top-level parallel group is named "${n}"${names.size ? `; the servers are: ${[...names.keys()].join(', ')}` : ''}`,
        ),
      );
  });
  return { steps: serves.filter((s) => s.kind === 'serve' && wanted.includes(s.body.as)), diagnostics };
}

/** The serve steps at the top level or in (nested) `parallel:` groups, in scenario order. */
function topLevelServes(steps: readonly CompiledStep[]): CompiledStep[] {
  return steps.flatMap((s) => (s.kind === 'serve' ? [s] : s.kind === 'parallel' ? s.children.flatMap((c) => topLevelServes(c.steps)) : []));
}

/** The scenario's `live.ttl` in ms, or the default. */
export function scenarioTtlMs(loaded: LoadedScenario): number {
  return durationMs(loaded.scenario.live?.ttl, DEFAULT_TTL_MS);
}

/** Parses `--ttl`: a scenario duration, or hours (`4h`); at most 24 h. */
export function parseTtl(text: string): number | undefined {
  const h = /^([0-9]+(?:\.[0-9]+)?)h$/.exec(text);
  let ms: number | undefined;
  try {
    ms = h ? Number(h[1]) * 3_600_000 : durationMs(/^[0-9.]+$/.test(text) ? Number(text) : text);
  } catch {
    return undefined;
  }
  return ms !== undefined && ms > 0 && ms <= 24 * 3_600_000 ? ms : undefined;
}
