import type { LoadedScenario } from '../scenario/load.js';
import { stepKinds } from '../scenario/load.js';

/** A step worth points, as a grade lists it (same title as the run record will give it). */
export interface PlannedCheck {
  name: string;
  maxScore: number;
  hidden?: boolean;
}

type RawStep = Record<string, unknown> & { name?: string; points?: number; hidden?: boolean };

function walk(steps: RawStep[], out: PlannedCheck[]): void {
  for (const step of steps) {
    const key = Object.keys(step).find((k) => stepKinds.has(k));
    if (!key) continue;
    const body = step[key] as Record<string, unknown>;
    if (step.points) out.push({ name: step.name ?? stepKinds.get(key)!.describe(body), maxScore: step.points, ...(step.hidden ? { hidden: true } : {}) });
    if (body && typeof body === 'object' && Array.isArray(body.during)) walk(body.during as RawStep[], out);
  }
}

/** The graded steps of a scenario, in order: what a submission that could not be run scores 0 on. */
export function plannedChecks(loaded: LoadedScenario): PlannedCheck[] {
  const out: PlannedCheck[] = [];
  walk(loaded.scenario.steps as unknown as RawStep[], out);
  return out;
}
