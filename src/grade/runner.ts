import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup } from '../exec/process.js';
import { SANDBOX_ENV } from '../sandbox/limits.js';
import { PKG_ROOT } from '../util/paths.js';
import type { RunnerJob, RunnerReply } from './runner-protocol.js';

/** The runner's entry (src/commands/grade-runner.ts, compiled). */
export const RUNNER_PATH = join(PKG_ROOT, 'dist', 'commands', 'grade-runner.js');

/** How one submission's run ended, as the grader needs it (the same whether a runner or a `wirelab run` child ran it). */
export interface RunEnd {
  code: number | null;
  signal: string | null;
  /** The run could not start (spawn failed). */
  error?: string;
  /** The run's stderr (its first 16 kB). */
  stderr: string;
  timedOut: boolean;
}

/** PIDs of the processes in process group `pgid` (from /proc), besides `except`. */
export function groupMembers(pgid: number, except: number): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === except) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so after the last ')'
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) pids.push(Number(d));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

interface Live {
  child: ChildProcess;
  closed: Promise<{ code: number | null; signal: string | null; error?: string }>;
  isClosed: boolean;
}

/**
 * The grading runner of one pool slot: a `node grade-runner.js` process (own process group,
 * SIGTERM when this grader dies) that runs the slot's submissions one after another, so each
 * costs its scenario and not a Node start-up, module loading and scenario compile. A run past
 * its wall-clock limit is stopped as a `wirelab run` child was: SIGTERM to the group (the run
 * tears down and writes its record), SIGKILL 3 s later; a runner that was interrupted, crashed
 * or failed is replaced by a fresh one for the next submission. After every run, whatever is
 * left in the runner's process group is killed.
 */
export class SlotRunner {
  private live: Live | undefined;
  private nextId = 1;
  private stderr = '';
  private listener: ((m: RunnerReply) => void) | undefined;

  private start(): Live {
    const env = { ...process.env };
    delete env[SANDBOX_ENV];
    // setpriv execs node in place: the runner's pid stays its group's leader. With --pdeathsig
    // the runner is told (SIGTERM: a running submission tears down) when this grader dies.
    const child = spawn('setpriv', ['--pdeathsig', 'TERM', '--', process.execPath, RUNNER_PATH], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env,
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (this.stderr.length < 16_384) this.stderr += d.toString('utf8');
    });
    child.on('message', (m: RunnerReply) => this.listener?.(m));
    const live: Live = {
      child,
      isClosed: false,
      // 'exit', then the rest of its stderr (bounded: a leftover may hold the pipe): a child
      // whose channel this side disconnected never emits 'close'
      closed: new Promise((res) => {
        const stderrDone = new Promise<void>((r) => child.stderr!.once('close', () => r()));
        child.once('error', (e) => res({ code: null, signal: null, error: e.message }));
        child.once('exit', (code, signal) => {
          const t = setTimeout(() => res({ code, signal }), 200);
          void stderrDone.then(() => {
            clearTimeout(t);
            res({ code, signal });
          });
        });
      }),
    };
    void live.closed.then(() => {
      live.isClosed = true;
      if (this.live === live) this.live = undefined;
    });
    return live;
  }

  /** Runs one submission; resolves when its run is over and the slot is clean. */
  async run(job: Omit<RunnerJob, 'id'>, timeoutMs: number): Promise<RunEnd> {
    for (let attempt = 0; ; attempt++) {
      const live = (this.live ??= this.start());
      const end = await this.once(live, job, timeoutMs);
      // a runner that was gone before it took the job (it died between two submissions) is not
      // the submission's doing: once more with a fresh one
      if (end === 'not-started' && attempt === 0) continue;
      if (end === 'not-started')
        return { code: null, signal: null, error: 'the grading runner did not start', stderr: this.stderr, timedOut: false };
      return end;
    }
  }

  private async once(live: Live, job: Omit<RunnerJob, 'id'>, timeoutMs: number): Promise<RunEnd | 'not-started'> {
    const id = this.nextId++;
    this.stderr = '';
    let started = false;
    let done: number | undefined;
    let last = true;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const pid = live.child.pid ?? 0;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 3000);
    }, timeoutMs);
    try {
      const finished = new Promise<void>((res) => {
        this.listener = (m) => {
          if (m.type === 'started' && m.id === id) started = true;
          if (m.type === 'done' && m.id === id) {
            done = m.exitCode;
            last = m.last;
            res();
          }
        };
      });
      if (!live.isClosed && live.child.connected) live.child.send({ ...job, id } satisfies RunnerJob, () => {});
      const closedFirst = await Promise.race([finished.then(() => false), live.closed.then(() => true)]);
      if (closedFirst && !started && !timedOut) return 'not-started';
      // Done and still connected: the runner takes the next submission; otherwise it is on its
      // way out (interrupted, crashed, or it failed): wait for it (SIGKILL after the timeout).
      if (closedFirst || timedOut || last) {
        const exit = await live.closed;
        signalGroup(pid, 'SIGKILL'); // anything left in the run's group
        return {
          code: done ?? exit.code,
          signal: done !== undefined ? null : exit.signal,
          ...(exit.error ? { error: exit.error } : {}),
          stderr: this.stderr,
          timedOut,
        };
      }
      for (const p of groupMembers(pid, pid)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      return { code: done ?? null, signal: null, stderr: this.stderr, timedOut };
    } finally {
      this.listener = undefined;
      clearTimeout(timer);
      clearTimeout(killTimer);
    }
  }

  /** Ends the runner (it leaves when its channel closes); SIGKILL to its group after 3 s. */
  async close(): Promise<void> {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    if (live.child.connected) live.child.disconnect();
    const pid = live.child.pid ?? 0;
    const t = setTimeout(() => signalGroup(pid, 'SIGKILL'), 3000);
    await live.closed;
    clearTimeout(t);
    signalGroup(pid, 'SIGKILL');
  }
}
