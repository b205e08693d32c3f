/**
 * Errors that carry the process exit code the CLI should use. Anything that is not a
 * WirelabError is a bug and exits 4 with a stack trace.
 *
 *   0 all checks passed · 1 a check failed · 2 bad input · 3 environment · 4 unexpected
 */
export const ExitCode = { ok: 0, checksFailed: 1, badInput: 2, environment: 3, unexpected: 4 } as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class WirelabError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The user asked for something malformed: bad flags, an unreadable file, an invalid scenario. */
export class UsageError extends WirelabError {
  constructor(message: string, code = 'usage') {
    super(message, ExitCode.badInput, code);
  }
}

/** The machine lacks something wirelab needs. `fix` is the command or action that fixes it. */
export class EnvironmentError extends WirelabError {
  constructor(
    message: string,
    readonly fix: string,
    code = 'environment',
  ) {
    super(`${message}\n  fix: ${fix}`, ExitCode.environment, code);
  }
}

/** A target outside the topology / loopback / allow-list. Refused before any packet is sent. */
export class TargetRefusedError extends WirelabError {
  constructor(message: string) {
    super(message, ExitCode.badInput, 'target-refused');
  }
}

/**
 * A step could not be carried out because an earlier one it needs did not succeed (its fixture
 * is not running, its connection never opened): a result of the run (exit 1), and for grading a
 * precondition that failed, not a score.
 */
export class PreconditionError extends WirelabError {
  constructor(message: string) {
    super(message, ExitCode.checksFailed, 'precondition');
  }
}
