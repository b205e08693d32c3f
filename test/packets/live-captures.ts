/**
 * Test helper: makes real loopback captures (tcpdump, dumpcap, any-device SLL/SLL2) while real
 * tools generate lab traffic, and reads tshark's packet list for comparison. Everything it
 * starts is ended by PID; the temp dir is removed by the caller.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Started {
  proc: ChildProcess;
  stderr: () => string;
}

/** Starts a process and waits until its stderr/stdout contains `ready` (or `waitMs`). */
export async function start(cmd: string, args: string[], ready?: RegExp, waitMs = 5000): Promise<Started> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  proc.stdout.on('data', (d) => (err += d));
  const t0 = Date.now();
  while (ready && !ready.test(err) && Date.now() - t0 < waitMs && proc.exitCode === null) await sleep(20);
  if (ready && !ready.test(err)) throw new Error(`${cmd} did not become ready: ${err}`);
  return { proc, stderr: () => err };
}

/** Ends a process we started (by its PID) and waits for it to exit. */
export async function stop(s: Started | undefined, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (!s || s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const done = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill(signal);
  await Promise.race([done, sleep(3000)]);
  if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs a command to completion, ignoring its exit status (nmap/traceroute/dig output is not the point). */
export async function runQuiet(cmd: string, args: string[], timeout = 20_000): Promise<void> {
  await run(cmd, args, { timeout }).catch(() => undefined);
}

/** Sends CRLF lines to a TCP echo server and waits for the echo, then closes. */
export async function echoSession(host: string, port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const want = lines.map((l) => l + '\r\n').join('');
    let got = '';
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(got);
    }, 3000);
    sock.on('error', reject);
    sock.on('connect', () => {
      void (async () => {
        for (const l of lines) {
          sock.write(l + '\r\n');
          await sleep(30);
        }
      })();
    });
    sock.on('data', (d) => {
      got += d.toString();
      if (got.length >= want.length) {
        clearTimeout(timer);
        sock.end();
        sock.on('close', () => resolve(got));
      }
    });
  });
}

/** tshark's packet list as tab-separated fields rows (the judge). */
export async function tsharkRows(file: string, twoPass: boolean): Promise<string[]> {
  const args = [
    ...(twoPass ? ['-2'] : []),
    '-n',
    '-r',
    file,
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-e',
    'frame.number',
    '-e',
    'frame.time_relative',
    '-e',
    '_ws.col.Source',
    '-e',
    '_ws.col.Destination',
    '-e',
    '_ws.col.Protocol',
    '-e',
    'frame.len',
    '-e',
    '_ws.col.Info',
  ];
  const { stdout } = await run('tshark', args, { maxBuffer: 1 << 28 });
  return stdout.split('\n').filter((l) => l.length > 0);
}

/** tshark's default text lines. */
export async function tsharkText(file: string): Promise<string[]> {
  const { stdout } = await run('tshark', ['-n', '-r', file], { maxBuffer: 1 << 28 });
  return stdout.split('\n').filter((l) => l.length > 0);
}
