import { ExitCode, WirelabError } from '../errors.js';

/**
 * Wraps a command's action: its return value is the exit code; a WirelabError prints its
 * message (no stack) and exits with its code; anything else is a bug (exit 4, with stack).
 */
export function withExit<A extends unknown[]>(action: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await action(...args);
    } catch (err) {
      process.exitCode = reportError(err);
    }
  };
}

export function reportError(err: unknown): number {
  if (err instanceof WirelabError) {
    process.stderr.write(`wirelab: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`wirelab: unexpected error (this is a bug)\n${err instanceof Error ? err.stack : String(err)}\n`);
  return ExitCode.unexpected;
}
