/**
 * The one exit-code table. Every error class names its exit class; the class gives the code.
 * The CLI, the run record (a step's `error.exit`) and the agent IPC all go through this table:
 * nothing compares error codes as strings to choose an exit code.
 *
 *   0 all checks passed · 1 a check failed · 2 bad input · 3 environment · 4 unexpected (a bug)
 */
export const EXIT_CODES = { passed: 0, 'checks-failed': 1, 'bad-input': 2, environment: 3, bug: 4 } as const;
export type ExitClass = keyof typeof EXIT_CODES;
export type ExitCodeValue = (typeof EXIT_CODES)[ExitClass];
/** The classes an error can have (every class but `passed`). */
export type ErrorExitClass = Exclude<ExitClass, 'passed'>;

/** The same table by role, for commands that return a code. */
export const ExitCode = {
  ok: EXIT_CODES.passed,
  checksFailed: EXIT_CODES['checks-failed'],
  badInput: EXIT_CODES['bad-input'],
  environment: EXIT_CODES.environment,
  unexpected: EXIT_CODES.bug,
} as const;

export function isErrorExitClass(s: unknown): s is ErrorExitClass {
  return typeof s === 'string' && s !== 'passed' && Object.hasOwn(EXIT_CODES, s);
}

/**
 * An error wirelab knows how to explain: printed without a stack, exiting with its class's code.
 * Anything that is not a WirelabError reaching the CLI is a bug (exit 4, with the stack).
 */
export class WirelabError extends Error {
  constructor(
    message: string,
    readonly exitClass: ErrorExitClass,
    /** A finer, machine-readable name (`raw-not-permitted`, `capture-open`, …); never an exit code. */
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  get exitCode(): ExitCodeValue {
    return EXIT_CODES[this.exitClass];
  }
}

/** The user asked for something malformed: bad flags, an unreadable file, an invalid scenario. */
export class UsageError extends WirelabError {
  constructor(message: string, code = 'usage') {
    super(message, 'bad-input', code);
  }
}

/** The machine lacks something wirelab needs. `fix` is the command or action that fixes it. */
export class EnvironmentError extends WirelabError {
  constructor(
    message: string,
    readonly fix: string,
    code = 'environment',
  ) {
    super(`${message}\n  fix: ${fix}`, 'environment', code);
  }
}

/** A target outside the topology / loopback / allow-list. Refused before any packet is sent. */
export class TargetRefusedError extends WirelabError {
  constructor(message: string) {
    super(message, 'bad-input', 'target-refused');
  }
}

/**
 * The exit class of an error that made a step `errored`. A WirelabError carries its own; any
 * other error thrown by a step (a submission's program that exited early, a connection that is
 * not open, a timeout) means the step could not do what the scenario asked: `checks-failed`.
 */
export function exitClassOf(e: unknown): ErrorExitClass {
  return e instanceof WirelabError ? e.exitClass : 'checks-failed';
}

/**
 * A step could not be carried out because an earlier one it needs did not succeed (its fixture
 * is not running, its connection never opened): a result of the run (exit 1), and for grading a
 * precondition that failed, not a score.
 */
export class PreconditionError extends WirelabError {
  constructor(message: string) {
    super(message, 'checks-failed', 'precondition');
  }
}
