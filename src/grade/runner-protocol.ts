/** The messages between `wirelab grade` (src/grade/runner.ts) and a slot's runner (src/commands/grade-runner.ts). */

/** One submission's run: what `wirelab run FILE --out OUT --var …` with WIRELAB_SANDBOX would get. */
export interface RunnerJob {
  id: number;
  /** Absolute path of the scenario file. */
  scenarioFile: string;
  out: string;
  vars: Record<string, string>;
  /** The submission's student and their derived values (`--student`, `--derived-var`). */
  student?: string;
  derived?: Record<string, string>;
  /** The WIRELAB_SANDBOX value (JSON of the SandboxSpec); absent: no sandbox. */
  sandboxEnv?: string;
}

export type RunnerReply =
  | { type: 'ready' }
  /** The job was taken: from here on, the runner's end is the submission's run's end. */
  | { type: 'started'; id: number }
  /** The run is over (run.json written unless it could not be); `last`: the runner leaves now. */
  | { type: 'done'; id: number; exitCode: number; last: boolean };
