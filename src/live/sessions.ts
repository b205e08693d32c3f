/**
 * Sessions inside a live lab's host: `wirelab shell` (an interactive bash under `script`, for
 * its pseudo-terminal and its timing log) and `wirelab exec` (one command, its output piped
 * through and recorded). Each is recorded in the lab's work folder as
 * `sessions/<time>-<shell|exec>-<host>.cast` (asciicast v2).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';
import type { LabHost } from '../generated/lab-state.js';
import { castFromScript, castText, StreamRecorder, type CastHeader } from '../util/asciicast.js';
import { enterArgv, hostFiles } from './host-files.js';
import { supervisorAlive, type LabState } from './state.js';

/** The host of a live lab that a session enters; UsageError when the lab is not up or has no such host. */
export function labHost(lab: LabState, name: string): LabHost {
  if (lab.status !== 'up' || !supervisorAlive(lab))
    throw new UsageError(
      `lab ${lab.name} is not up (${supervisorAlive(lab) ? lab.status : 'its supervisor is gone; run `wirelab cleanup`'})`,
      'lab-not-up',
    );
  const h = lab.hosts.find((x) => x.name === name);
  if (!h) throw new UsageError(`lab ${lab.name} has no host "${name}" (hosts: ${lab.hosts.map((x) => x.name).join(', ')})`, 'no-such-host');
  return h;
}

function castPath(lab: LabState, kind: 'shell' | 'exec', host: string): string {
  const dir = join(lab.workdir, 'sessions');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dir, `${stamp}-${kind}-${host}-${process.pid}.cast`);
}

function header(lab: LabState, host: string, command: string): CastHeader {
  return {
    version: 2,
    width: process.stdout.columns || 80,
    height: process.stdout.rows || 24,
    timestamp: Math.floor(Date.now() / 1000),
    command,
    title: `${lab.name} ${host}`,
    env: { SHELL: '/bin/bash', TERM: process.env.TERM ?? 'xterm' },
  };
}

function sessionEnv(lab: LabState, host: string): NodeJS.ProcessEnv {
  return { ...process.env, WIRELAB_LAB: lab.name, WIRELAB_HOST: host, HOSTNAME: host };
}

function exitOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal as string] : undefined;
  return 128 + (n ?? 1);
}

function missingTool(e: NodeJS.ErrnoException, tool: string): Error {
  return e.code === 'ENOENT'
    ? new EnvironmentError(
        `\`${tool}\` is not installed (needed to enter a lab host)`,
        'sudo apt-get install -y iproute2 util-linux',
        'missing-tool',
      )
    : e;
}

/** Runs one command in a lab host; stdout and stderr pass through and are recorded. Resolves with its exit code. */
export async function execInLab(lab: LabState, hostName: string, cmd: string[]): Promise<{ code: number; cast: string }> {
  const host = labHost(lab, hostName);
  if (!cmd.length) throw new UsageError('wirelab exec needs a command: wirelab exec HOST -- CMD [ARG...]');
  const argv = enterArgv(lab.name, host, cmd);
  const cast = castPath(lab, 'exec', hostName);
  const rec = new StreamRecorder();
  const onInt = () => {}; // Ctrl-C reaches the command (same process group); the recording is still written
  process.on('SIGINT', onInt);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), { stdio: ['inherit', 'pipe', 'pipe'], env: sessionEnv(lab, hostName) });
      child.stdout.on('data', (d: Buffer) => (rec.add('stdout', d), process.stdout.write(d)));
      child.stderr.on('data', (d: Buffer) => (rec.add('stderr', d), process.stderr.write(d)));
      child.on('error', (e) => reject(missingTool(e, argv[0])));
      child.on('close', (c, s) => resolve(exitOf(c, s)));
    });
    writeFileSync(cast, castText(header(lab, hostName, cmd.join(' ')), rec.events));
    return { code, cast };
  } finally {
    process.off('SIGINT', onInt);
  }
}

function shQuote(s: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * An interactive shell in a lab host, through `script` (a pseudo-terminal, input and output
 * logged with timings), started in the lab's work folder. Resolves with the shell's exit code.
 */
export async function shellInLab(lab: LabState, hostName: string): Promise<{ code: number; cast: string }> {
  const host = labHost(lab, hostName);
  const inner = enterArgv(lab.name, host, ['bash', '--rcfile', hostFiles(lab.name, hostName).rc, '-i']);
  const cast = castPath(lab, 'shell', hostName);
  const io = `${cast}.io`;
  const timing = `${cast}.timing`;
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('script', ['-q', '-e', '-f', '--log-io', io, '--log-timing', timing, '-c', inner.map(shQuote).join(' ')], {
        stdio: 'inherit',
        cwd: lab.workdir,
        env: { ...sessionEnv(lab, hostName), SHELL: '/bin/sh' },
      });
      child.on('error', (e) => reject(missingTool(e, 'script')));
      child.on('close', (c, s) => resolve(exitOf(c, s)));
    });
    let events: ReturnType<typeof castFromScript> = [];
    try {
      events = castFromScript(readFileSync(io), readFileSync(timing, 'utf8'));
    } catch {
      /* script wrote no log (it could not start) */
    }
    writeFileSync(cast, castText(header(lab, hostName, 'bash -i'), events));
    return { code, cast };
  } finally {
    rmSync(io, { force: true });
    rmSync(timing, { force: true });
  }
}
