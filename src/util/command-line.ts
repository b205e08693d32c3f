/** A command to start: a file and its arguments, or (`shell`) a line for /bin/sh -c. */
export interface CommandLine {
  file: string;
  args: string[];
  shell: boolean;
}

/**
 * Rewrites a command before it starts (the grading sandbox wraps it in prlimit/setpriv); the
 * returned `env` is added to the command's environment. Handed to whatever starts processes
 * by the layer that knows the settings, so process code reads no settings of its own.
 */
export type CommandWrapper = (cmd: CommandLine, cwd?: string) => CommandLine & { env?: Record<string, string> };

/** A list runs directly; a string runs through /bin/sh -c. */
export function commandLine(run: string | string[]): CommandLine {
  return typeof run === 'string' ? { file: run, args: [], shell: true } : { file: run[0], args: run.slice(1), shell: false };
}

/** The command as a shell would show it, for transcripts. */
export function showCommand(run: string | string[]): string {
  if (typeof run === 'string') return run;
  return run.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
