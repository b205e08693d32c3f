/**
 * Helpers for the live-capture tests: start/stop processes we own (by PID), tshark's packet list.
 * Kept here (not shared) so these tests do not move when other helpers change.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Proc {
  proc: ChildProcess;
  output: () => string;
}

/** Starts a process; waits (bounded) until its output matches `ready`. */
export async function startProc(cmd: string, args: string[], ready?: RegExp, waitMs = 5000): Promise<Proc> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const t0 = Date.now();
  while (ready && !ready.test(out) && Date.now() - t0 < waitMs && proc.exitCode === null) await sleep(20);
  if (ready && !ready.test(out)) {
    proc.kill('SIGKILL');
    throw new Error(`${cmd} did not become ready: ${out}`);
  }
  return { proc, output: () => out };
}

/** Ends a process we started, by its PID; SIGKILL after 3 s. */
export async function stopProc(p: Proc | undefined, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  const done = new Promise((r) => p.proc.once('exit', r));
  p.proc.kill(signal);
  await Promise.race([done, sleep(3000)]);
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
}

/** tshark's packet list as rows of fields: No., relative time, Source, Destination, Protocol, Length, Info. */
export async function tsharkList(file: string): Promise<string[][]> {
  const fields = [
    'frame.number',
    'frame.time_relative',
    '_ws.col.Source',
    '_ws.col.Destination',
    '_ws.col.Protocol',
    'frame.len',
    '_ws.col.Info',
  ];
  const { stdout } = await run('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])], {
    maxBuffer: 1 << 26,
  });
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** stderr lines of a reader that are not its routine notices. */
export function complaints(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l && !/^Running as user "root"/.test(l) && !/^reading from file/.test(l));
}
