import type { RunRecord, StepRecord } from '../generated/run-record.js';

/** Receives the run as it happens: the terminal display, or nothing (tests, --json). */
export interface Reporter {
  runStarted(info: { name: string; title?: string; steps: number }): void;
  stepStarted(step: { path: string; kind: string; title: string; host: string; depth: number }): void;
  stepFinished(record: StepRecord, depth: number): void;
  runFinished(record: RunRecord): void;
}

export const silentReporter: Reporter = {
  runStarted() {},
  stepStarted() {},
  stepFinished() {},
  runFinished() {},
};
