import { allCompiledSteps } from '../scenario/compile.js';
import type { LoadedScenario } from '../scenario/load.js';

/** A step worth points, as a grade lists it (same title as the run record will give it). */
export interface PlannedCheck {
  name: string;
  maxScore: number;
  hidden?: boolean;
}

/** The graded steps of a scenario, in order: what a submission that could not be run scores 0 on. */
export function plannedChecks(loaded: LoadedScenario): PlannedCheck[] {
  const out: PlannedCheck[] = [];
  for (const step of allCompiledSteps(loaded.plan.steps)) {
    if (step.points) out.push({ name: step.title, maxScore: step.points, ...(step.hidden ? { hidden: true } : {}) });
  }
  return out;
}
