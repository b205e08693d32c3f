import type { HostOp } from '../hosts/context.js';
import { commandLine } from '../util/command-line.js';
import { CappedOutput, killGroup, spawnDetached } from './process.js';

export interface ExecArgs {
  run: string | string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs: number;
  /** Bytes of stdout and of stderr kept (default 1 MiB each); the rest is counted, not kept. */
  maxOutput?: number;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  /** Set when the program could not be started at all (not found, not executable). */
  spawnError?: string;
}

/** Runs a command to completion (bounded by `timeoutMs`), keeping capped stdout and stderr. */
export const exec: HostOp<ExecArgs, ExecResult> = async (args, ctx) => {
  const started = Date.now();
  const out = new CappedOutput(args.maxOutput ?? 1 << 20);
  const err = new CappedOutput(args.maxOutput ?? 1 << 20);
  const child = spawnDetached(commandLine(args.run), { cwd: args.cwd, env: args.env, stdin: args.stdin, wrap: ctx.wrapCommand });
  child.stdout?.on('data', (d: Buffer) => out.push(d));
  child.stderr?.on('data', (d: Buffer) => err.push(d));
  // Tracked while it runs, so an interrupted run kills it (and its group) at teardown.
  const id = ctx.track('proc', { close: () => killGroup(child, 500) });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void killGroup(child, 500);
  }, args.timeoutMs);
  const result = await child;
  clearTimeout(timer);
  await killGroup(child, 0); // background descendants of a finished command
  await ctx.release(id);
  const spawnError = result.failed && result.exitCode === undefined && !result.signal && !timedOut ? result.shortMessage : undefined;
  return {
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut,
    stdout: out.text(),
    stderr: err.text(),
    truncated: out.truncated || err.truncated,
    durationMs: Date.now() - started,
    ...(spawnError ? { spawnError } : {}),
  };
};
