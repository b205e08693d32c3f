import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PKG_ROOT } from '../util/paths.js';
import type { Host, OpArgs, OpName, OpResult } from './host.js';
import type { AgentMessage } from './agent-protocol.js';
import { PendingCalls, type SendRequest } from './calls.js';

/** dist/ops/thread-boot.js runs the bundle (dist/bundle/host-thread.cjs) through its code cache. */
const BUNDLED = join(PKG_ROOT, 'dist', 'bundle', 'host-thread.cjs');
/** What a host thread is started with (its workerData). */
export interface HostThreadData {
  name: string;
  workdir: string;
  netns: string;
}

/** The compiled entry of a host thread: the bundle when `npm run build` wrote it, else dist/. */
export const HOST_THREAD_PATH = join(PKG_ROOT, 'dist', 'ops', existsSync(BUNDLED) ? 'thread-boot.js' : 'thread-main.js');

export interface ThreadHostOptions {
  netns: string;
  workdir: string;
  /** How long `start()` waits for the thread's ready message (default 10 s). */
  startTimeoutMs?: number;
  /** How long `shutdown()` waits for the thread to close everything before it is terminated (default 5 s). */
  shutdownTimeoutMs?: number;
}

/**
 * A host served by a worker thread of this process that has moved into the host's network
 * namespace (src/ops/thread-main.ts): the same ops and protocol as an agent process
 * (AgentHost), ready in milliseconds instead of a Node start-up, and without a process of its
 * own. Starts on the first call (or `start()`).
 */
export class ThreadHost implements Host {
  private worker: Worker | undefined;
  private starting: Promise<void> | undefined;
  private readonly calls: PendingCalls;
  private exited = false;
  private stopped: Promise<Error[]> | undefined;

  constructor(
    readonly name: string,
    private readonly opts: ThreadHostOptions,
  ) {
    this.calls = new PendingCalls(name);
  }

  start(): Promise<void> {
    return (this.starting ??= this.spawnThread());
  }

  private spawnThread(): Promise<void> {
    const data: HostThreadData = { name: this.name, workdir: this.opts.workdir, netns: this.opts.netns };
    return new Promise<void>((resolve, reject) => {
      const worker = new Worker(HOST_THREAD_PATH, { workerData: data, stdout: false, stderr: false });
      this.worker = worker;
      const limit = this.opts.startTimeoutMs ?? 10000;
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`host ${this.name}: host thread did not start within ${limit} ms`));
      }, limit);
      worker.on('message', (text: string) => {
        const m = JSON.parse(text) as AgentMessage;
        if ('type' in m) {
          clearTimeout(timer);
          resolve();
          return;
        }
        this.calls.settle(m);
      });
      let failure: Error | undefined;
      worker.on('error', (e) => {
        failure = e;
      });
      worker.on('exit', (code) => {
        clearTimeout(timer);
        this.exited = true;
        const err = new Error(`host ${this.name}: host thread exited (code ${code})${failure ? `: ${failure.message}` : ''}`);
        reject(err);
        this.calls.rejectAll(err);
      });
    });
  }

  async call<K extends OpName>(op: K, args: OpArgs<K>): Promise<OpResult<K>> {
    return (await this.request(op, args)) as OpResult<K>;
  }

  /** Sends a request by op name. */
  async request(op: string, args: unknown): Promise<unknown> {
    if (this.stopped) throw new Error(`host ${this.name}: already shut down`);
    await this.start();
    if (this.exited) throw new Error(`host ${this.name}: host thread is not running`);
    return this.calls.call(op, args, this.sender(this.worker!));
  }

  /** Posts the request as JSON text (what an agent's IPC channel would carry). */
  private sender(worker: Worker): SendRequest {
    return (req) => worker.postMessage(JSON.stringify(req));
  }

  /** Asks the thread to close everything (LIFO) and end; terminated after the timeout. Safe to call twice. */
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
    const worker = this.worker!;
    if (this.exited) return [];
    const exited = new Promise<void>((r) => (this.exited ? r() : worker.once('exit', () => r())));
    const graceful = this.calls.shutdown(this.sender(worker));
    const limit = this.opts.shutdownTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), limit)));
    const result = await Promise.race([graceful, timeout]);
    clearTimeout(timer);
    // A thread whose loop still holds something (a timer, a socket) would not end by itself.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 200))]);
    if (!this.exited) await worker.terminate();
    if (result === 'timeout') return [new Error(`host ${this.name}: host thread did not stop within ${limit} ms; terminated`)];
    return result;
  }
}
