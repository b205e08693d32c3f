import { execa, type ResultPromise } from 'execa';
import type { CommandLine, CommandWrapper } from '../util/command-line.js';

/** A tail-capped text buffer: keeps the first `cap` bytes and counts what was dropped. */
export class CappedOutput {
  private chunks: Buffer[] = [];
  private size = 0;
  dropped = 0;
  constructor(private readonly cap: number) {}

  push(d: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      this.dropped += d.length;
      return;
    }
    const part = d.length > room ? d.subarray(0, room) : d;
    this.chunks.push(part);
    this.size += part.length;
    this.dropped += d.length - part.length;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Sends `sig` to the process group of `pid` (a process we started with `detached: true`, so
 * it leads its own group); a group that is already gone is not an error. A pid of 0 or less is
 * ignored: `kill(-0)` would signal our own group.
 */
export function signalGroup(pid: number, sig: NodeJS.Signals): void {
  if (!(pid > 0)) return;
  try {
    process.kill(-pid, sig);
  } catch {
    /* the group is gone */
  }
}

/**
 * Ends a process we started and everything in its process group: SIGTERM, then SIGKILL after
 * `graceMs`. Only the group of a PID we spawned (with `detached: true`) is ever signalled.
 */
export async function killGroup(child: ResultPromise, graceMs = 2000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => signalGroup(pid, sig);
  const exited = child.exitCode !== null || child.signalCode !== null;
  if (!exited) {
    signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      child.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs))),
    ]);
    // A pending grace timer would keep the process alive for up to graceMs after the run.
    clearTimeout(timer);
    if (!done) signal('SIGKILL');
  }
  // Descendants that outlived the leader (background jobs of a shell) go too.
  signal('SIGKILL');
  await child.then(
    () => undefined,
    () => undefined,
  );
}

/**
 * Starts a command in its own process group. With `wrap` (the grading sandbox, handed down
 * from the host's context: src/sandbox/wrap.ts `sandboxWrapper`) the command runs as the
 * wrapper rewrites it; without one, as is. Nothing here reads settings from the environment.
 */
export function spawnDetached(
  command: CommandLine,
  opts: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string; wrap?: CommandWrapper },
): ResultPromise {
  const cmd: CommandLine & { env?: Record<string, string> } = opts.wrap ? opts.wrap(command, opts.cwd) : command;
  return execa(cmd.file, cmd.args, {
    shell: cmd.shell ? '/bin/sh' : false,
    cwd: opts.cwd,
    env: cmd.env ? { ...opts.env, ...cmd.env } : opts.env,
    extendEnv: true,
    input: opts.stdin,
    stdin: opts.stdin === undefined ? 'ignore' : undefined,
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    detached: true,
    encoding: 'buffer',
  });
}
