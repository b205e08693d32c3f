import type { StepRecord } from '../generated/run-record.js';

/** Every step record, nested ones included, in run order. */
export function allSteps(steps: StepRecord[]): StepRecord[] {
  return steps.flatMap((s) => [s, ...allSteps(s.children ?? [])]);
}
