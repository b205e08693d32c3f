import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PKG_ROOT } from '../util/paths.js';
import type { Host, OpArgs, OpName, OpResult } from './host.js';
import type { AgentMessage } from './agent-protocol.js';
import { PendingCalls, type SendRequest } from './calls.js';

/**
 * The compiled agent entry (agents always run compiled JS): the bundle that `npm run build`
 * writes to dist/bundle/ when it is there (it starts in a fraction of the time), else dist/.
 */
const BUNDLED_AGENT = join(PKG_ROOT, 'dist', 'bundle', 'agent.js');
export const AGENT_PATH = existsSync(BUNDLED_AGENT) ? BUNDLED_AGENT : join(PKG_ROOT, 'dist', 'ops', 'agent-main.js');

export interface AgentHostOptions {
  /** Network namespace to start the agent in (`ip netns exec`); none: this machine's. */
  netns?: string;
  workdir: string;
  /** Agent script (default: dist/ops/agent-main.js, which serves the registry); tests pass one serving a test op table. */
  agentPath?: string;
  /** How long `start()` waits for the agent's ready message (default 10 s). */
  startTimeoutMs?: number;
  /** How long `shutdown()` waits for a graceful stop before SIGKILL (default 5 s). */
  shutdownTimeoutMs?: number;
  /** Called with the agent's PID once it is ready (the topology records it in the run state). */
  onStart?(pid: number): void;
}

/**
 * A host served by an agent process inside its namespace: `call` forwards an op over IPC and
 * resolves with its result, or rejects with the agent's error rebuilt (exit codes survive).
 * The agent starts on the first call (or `start()`).
 */
export class AgentHost implements Host {
  private child: ChildProcess | undefined;
  private starting: Promise<void> | undefined;
  private readonly calls: PendingCalls;
  private exited = false;
  private stopped: Promise<Error[]> | undefined;
  /** PID of the agent once started. */
  pid: number | undefined;

  constructor(
    readonly name: string,
    private readonly opts: AgentHostOptions,
  ) {
    this.calls = new PendingCalls(name);
  }

  start(): Promise<void> {
    return (this.starting ??= this.spawnAgent());
  }

  private spawnAgent(): Promise<void> {
    const script = this.opts.agentPath ?? AGENT_PATH;
    const argv = [script, this.name, this.opts.workdir, this.opts.netns ?? ''];
    const [cmd, args] = this.opts.netns ? ['ip', ['netns', 'exec', this.opts.netns, process.execPath, ...argv]] : [process.execPath, argv];
    return new Promise<void>((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
      this.child = child;
      // forwarded as is; the tail explains an agent that dies before it is ready
      let errTail = '';
      child.stderr!.on('data', (d: Buffer) => {
        process.stderr.write(d);
        errTail = (errTail + d.toString()).slice(-2000);
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`host ${this.name}: agent did not start within ${this.opts.startTimeoutMs ?? 10000} ms`));
      }, this.opts.startTimeoutMs ?? 10000);
      child.on('message', (m: AgentMessage) => {
        if ('type' in m) {
          clearTimeout(timer);
          this.pid = m.pid;
          this.opts.onStart?.(m.pid);
          resolve();
          return;
        }
        this.calls.settle(m);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.exited = true;
        const tail = errTail
          .trim()
          .split('\n')
          .filter((l) => /error/i.test(l))
          .slice(0, 2)
          .join(' | ');
        const err = new Error(`host ${this.name}: agent exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`);
        reject(err);
        this.calls.rejectAll(err);
      });
    });
  }

  async call<K extends OpName>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
    return (await this.request(op, args)) as OpResult<K>;
  }

  /** Sends a request by op name (also ops outside the typed table, e.g. a test agent's). */
  async request(op: string, args: unknown): Promise<unknown> {
    if (this.stopped) throw new Error(`host ${this.name}: already shut down`);
    await this.start();
    const child = this.child!;
    if (this.exited || !child.connected) throw new Error(`host ${this.name}: agent is not running`);
    return this.calls.call(op, args, this.sender(child));
  }

  /** Sends over the IPC channel; a closed channel fails the request at once. */
  private sender(child: ChildProcess): SendRequest {
    return (req, failed) => {
      if (!child.connected) return failed(new Error(`host ${this.name}: agent is not running`));
      child.send(req, (err) => err && failed(err));
    };
  }

  /** Asks the agent to close everything (LIFO) and exit; SIGKILL after the timeout. Safe to call twice. */
  shutdown(): Promise<Error[]> {
    return (this.stopped ??= this.stop());
  }

  private async stop(): Promise<Error[]> {
    if (!this.starting) return [];
    try {
      await this.starting;
    } catch {
      return [];
    }
    const child = this.child!;
    if (this.exited) return [];
    const exited = new Promise<void>((r) => (this.exited ? r() : child.once('exit', () => r())));
    const graceful = this.calls.shutdown(this.sender(child));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), this.opts.shutdownTimeoutMs ?? 5000)));
    const result = await Promise.race([graceful.then((errs) => exited.then(() => errs)), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      if (this.pid && !this.exited) {
        try {
          process.kill(this.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
      return [new Error(`host ${this.name}: agent did not stop within ${this.opts.shutdownTimeoutMs ?? 5000} ms; killed`)];
    }
    return result;
  }
}
