import { RttEstimator } from './rtt.js';
import { serviceName } from './services.js';
import type { PortResult, PortState, ProbeRecord, ScanOptions } from './scan-types.js';

/** How an engine puts probes on the wire; the transport reports answers via `engine.answer`. */
export interface ScanTransport {
  /** Sends probe number `attempt` (1-based) for `port`. May call `engine.answer` synchronously. */
  send(port: number, attempt: number): void;
  /** Forgets an unanswered probe (connect scan: destroys its socket). */
  cancel(port: number): void;
  /** Called after each round of sends, for transports that batch them. */
  flush?(): void;
}

interface InFlight {
  sentAt: number;
  attempt: number;
  record?: ProbeRecord;
}

/**
 * The part both scan methods share: a bounded window of probes in flight, an nmap-style
 * adaptive timeout, one retransmission for unanswered ports (`tries`, default 2) and the probe
 * log. Timeouts are judged in a setImmediate after the timer fires, i.e. after the event loop
 * has polled for I/O, so answers already waiting in the kernel are read before a probe expires.
 */
export class ScanEngine {
  readonly results = new Map<number, PortResult>();
  readonly probes: ProbeRecord[] = [];
  probesSent = 0;
  probesOmitted = 0;
  private readonly queue: number[];
  private next = 0;
  private readonly inflight = new Map<number, InFlight>();
  private readonly retry: number[] = [];
  private readonly rtt: RttEstimator;
  private readonly window: number;
  private readonly tries: number;
  private readonly maxRecorded: number;
  private readonly start = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private done!: () => void;
  transport!: ScanTransport;

  constructor(ports: number[], opts: ScanOptions, defaultWindow: number) {
    this.queue = ports;
    this.window = Math.max(1, opts.window ?? defaultWindow);
    this.tries = Math.max(1, opts.tries ?? 2);
    this.maxRecorded = opts.maxRecordedProbes ?? 2000;
    this.rtt = new RttEstimator(opts.initialTimeoutMs, opts.minTimeoutMs, opts.maxTimeoutMs);
  }

  /** Runs until every port has a state. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve;
      this.fill();
      this.finishIfDone();
      if (this.results.size < this.queue.length) this.timer = setInterval(() => this.scheduleCheck(), 5);
    });
  }

  elapsedMs(): number {
    return round3(performance.now() - this.start);
  }

  /** Is a probe for `port` waiting for an answer? */
  isWaiting(port: number): boolean {
    return this.inflight.has(port);
  }

  /** Records the answer for `port`; answers for ports not in flight (late, duplicate) are ignored. */
  answer(port: number, state: PortState, reason: string, answer: string): void {
    const probe = this.inflight.get(port);
    if (!probe) return;
    this.inflight.delete(port);
    const rttMs = performance.now() - probe.sentAt;
    this.rtt.sample(rttMs);
    if (probe.record) probe.record.answer = answer;
    this.results.set(port, { port, proto: 'tcp', state, reason, service: serviceName(port), rttMs: round3(rttMs) });
    this.fill();
    this.finishIfDone();
  }

  private sendProbe(port: number, attempt: number): void {
    const sentAt = performance.now();
    const entry: InFlight = { sentAt, attempt };
    if (this.probes.length < this.maxRecorded) {
      entry.record = { time: round3(sentAt - this.start), port, sent: 'SYN', answer: 'none' };
      this.probes.push(entry.record);
    } else {
      this.probesOmitted++;
    }
    this.inflight.set(port, entry);
    this.probesSent++;
    this.transport.send(port, attempt);
  }

  private fill(): void {
    while (this.inflight.size < this.window) {
      const port = this.retry.length ? this.retry.shift()! : this.next < this.queue.length ? this.queue[this.next++] : undefined;
      if (port === undefined) break;
      const prev = this.attempts.get(port) ?? 0;
      this.attempts.set(port, prev + 1);
      this.sendProbe(port, prev + 1);
    }
    this.transport.flush?.();
  }
  private readonly attempts = new Map<number, number>();

  private scheduleCheck(): void {
    if (this.checking) return;
    this.checking = true;
    setImmediate(() => {
      this.checking = false;
      this.expire();
    });
  }

  private expire(): void {
    const deadline = performance.now() - this.rtt.timeoutMs();
    for (const [port, probe] of this.inflight) {
      if (probe.sentAt > deadline) break; // in send order: the rest are younger
      this.inflight.delete(port);
      this.transport.cancel(port);
      if (probe.attempt < this.tries) this.retry.push(port);
      else this.results.set(port, { port, proto: 'tcp', state: 'filtered', reason: 'no-response', service: serviceName(port) });
    }
    this.fill();
    this.finishIfDone();
  }

  private finishIfDone(): void {
    if (this.results.size < this.queue.length) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.done?.();
  }

  /** Results in port order. */
  sortedResults(): PortResult[] {
    return [...this.results.values()].sort((a, b) => a.port - b.port);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
