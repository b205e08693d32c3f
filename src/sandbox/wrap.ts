import type { CommandLine, CommandWrapper } from '../util/command-line.js';
import type { SandboxSpec } from './limits.js';
import { worldCommand } from './world.js';

/** Whether a command falls under the sandbox (its command line mentions `spec.match`). */
export function sandboxApplies(cmd: CommandLine, spec: SandboxSpec): boolean {
  if (!spec.match) return true;
  return [cmd.file, ...cmd.args].some((a) => a.includes(spec.match!));
}

/**
 * The command wrapped so that it runs under the limits as the sandbox user:
 * `prlimit --cpu=… --as=… --nproc=… --fsize=… --nofile=… -- setpriv --reuid=U --regid=U
 * --clear-groups --inh-caps=-all -- CMD`. Both wrappers exec in place, so the PID (and the
 * process group wirelab kills at teardown) stays that of the program. A shell command line
 * runs through /bin/sh inside the sandbox. With `spec.world` that runs inside a private world
 * (src/sandbox/world.ts), entered in `cwd`; the returned `env` carries the world's paths to its
 * init.
 */
export function sandboxCommand(cmd: CommandLine, spec: SandboxSpec, cwd?: string): CommandLine & { env?: Record<string, string> } {
  const inner = cmd.shell ? ['/bin/sh', '-c', cmd.file, ...cmd.args] : [cmd.file, ...cmd.args];
  const limited = [
    'prlimit',
    `--cpu=${spec.cpu}`,
    `--as=${spec.memory}`,
    `--nproc=${spec.procs}`,
    `--fsize=${spec.fsize}`,
    `--nofile=${spec.nofile}`,
    `--core=0`,
    '--',
    'setpriv',
    `--reuid=${spec.user}`,
    `--regid=${spec.user}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--',
    ...inner,
  ];
  if (spec.world) return worldCommand(limited, spec.world, cwd);
  return { file: limited[0], args: limited.slice(1), shell: false };
}

/** The sandbox as a command wrapper for whatever starts processes (a host's context). */
export function sandboxWrapper(spec: SandboxSpec): CommandWrapper {
  return (cmd, cwd) => (sandboxApplies(cmd, spec) ? sandboxCommand(cmd, spec, cwd) : cmd);
}
