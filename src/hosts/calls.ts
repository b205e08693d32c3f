import { fromWire, type AgentMessage, type AgentRequest } from './agent-protocol.js';

/** Hands a request to the agent; calls `failed` if it cannot be delivered. */
export type SendRequest = (req: AgentRequest, failed: (e: Error) => void) => void;

/**
 * The controller's side of the agent protocol, shared by agent processes (AgentHost) and host
 * threads (ThreadHost): numbers requests, settles each with its answer (errors rebuilt with
 * their exit codes), and fails what is still open when the agent goes away.
 */
export class PendingCalls {
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private seq = 0;

  constructor(private readonly host: string) {}

  /** Sends `op` and resolves with the agent's result, or rejects with its error. */
  call(op: string, args: unknown, send: SendRequest): Promise<unknown> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      send({ id, op, args }, (err) => {
        if (this.pending.delete(id)) reject(err);
      });
    });
  }

  /** Settles the call an answer belongs to (answers to nothing open are ignored). */
  settle(m: Exclude<AgentMessage, { type: 'ready' }>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(fromWire(m.error, this.host));
  }

  /** Fails every open call (the agent exited). */
  rejectAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /**
   * Asks the agent to close everything (LIFO) and end: resolves with the errors its teardown
   * reported, or [] when it cannot be asked or goes away without an answer.
   */
  shutdown(send: SendRequest): Promise<Error[]> {
    return this.call('$shutdown', null, send).then(
      (v) => ((v as { errors?: { name: string; message: string }[] } | null)?.errors ?? []).map((w) => fromWire(w, this.host)),
      () => [],
    );
  }
}
