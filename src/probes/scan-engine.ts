import { RttEstimator } from './rtt.js';
import { serviceName } from './services.js';
import { resolveTiming, type Timing } from './timing.js';
import type { PortResult, PortState, ProbeRecord, ScanOptions, ScanResult } from './scan-types.js';

/** How an engine puts probes on the wire; the transport reports answers via `engine.answer`. */
export interface ScanTransport {
  /** Sends probe number `attempt` (1-based) for `port`. May call `engine.answer` synchronously. */
  send(port: number, attempt: number): void;
  /** Forgets an unanswered probe (connect scan: closes its socket). */
  cancel(port: number): void;
  /** Called after each round of sends, for transports that batch them. May call `engine.answer`. */
  flush?(): void;
  /**
   * Hands over the answers the kernel has already queued (calling `engine.answer`), before the
   * engine times probes out: under load the process may run its timeout check before the
   * event loop has read answers that came in time, which would turn them into silence.
   */
  poll?(): void;
}

const STATES: PortState[] = ['open', 'closed', 'filtered', 'open|filtered'];

/** What kind of scan the engine runs: TCP (silence → filtered) or UDP (silence → open|filtered). */
export interface ScanKind {
  proto: 'tcp' | 'udp';
  /** State of a port that never answered. */
  silent: PortState;
  /** How the probe log names a probe. */
  sent: ProbeRecord['sent'];
}
export const TCP_SCAN: ScanKind = { proto: 'tcp', silent: 'filtered', sent: 'SYN' };
export const UDP_SCAN: ScanKind = { proto: 'udp', silent: 'open|filtered', sent: 'UDP' };
const NONE = 255;

/**
 * The part both scan methods share: a bounded window of probes in flight, nmap's timing
 * (src/probes/timing.ts: -T templates, RTT timeouts, max retries, scan delay), nmap's adaptive
 * timeout, nmap's retransmission rule (a silent port gets one retransmission more than the
 * highest that ever got an answer, capped by max retries; or exactly `tries` probes) and the
 * probe log. Timeouts are judged in a setImmediate after the timer fires, i.e. after the event loop
 * has polled for I/O, so answers already waiting in the kernel are read before a probe expires.
 *
 * Per-port state lives in typed arrays indexed by port number: a full-range scan makes 65535
 * answers, and the engine's share of the work per answer is a few array writes.
 */
export class ScanEngine {
  readonly probes: ProbeRecord[] = [];
  probesSent = 0;
  probesOmitted = 0;
  transport!: ScanTransport;
  /** The transport knows which try an answer is for (connect scans: a socket per try, the old one closed). */
  exactAttempts = false;

  private readonly queue: readonly number[];
  private next = 0;
  private readonly retry: number[] = [];
  private retryHead = 0;
  /** Send order: port and send time of every probe; entries whose probe was answered are skipped. */
  private readonly order: Int32Array;
  private readonly orderAt: Float64Array;
  private orderHead = 0;
  private orderTail = 0;
  private readonly sentAt = new Float64Array(65536);
  private readonly attempts = new Uint8Array(65536);
  private readonly waiting = new Uint8Array(65536);
  private inflight = 0;
  private readonly state = new Uint8Array(65536).fill(NONE);
  private readonly reasonOf = new Uint8Array(65536);
  private readonly rttOf = new Float64Array(65536);
  private readonly reasons: string[] = [];
  private readonly reasonIndex = new Map<string, number>();
  private readonly records = new Map<number, ProbeRecord>();
  private decided = 0;
  private readonly rtt: RttEstimator;
  private readonly window: number;
  /** Fixed probes per port (`tries`), or undefined for nmap's rule (allowedTries). */
  private readonly fixedTries: number | undefined;
  private readonly maxRetries: number;
  /** nmap's max_successful_tryno: the highest retransmission (0 = first probe) that got an answer. */
  private maxSuccessfulTry = 0;
  readonly timing: Timing;
  private lastSendAt = -Infinity;
  /** Send time of each port's previous probe (nmap's prevSent), for telling drops from good answers. */
  private readonly prevSentAt = new Float64Array(65536);
  /** nmap's send delay (sdn.delayms): the scan delay, raised by boostScanDelay when answers show drops. */
  private delayMs: number;
  private lastBoostAt: number;
  private goodSinceBoost = 0;
  private droppedSinceBoost = 0;
  /** Every raise of the send delay, as nmap's "Increasing send delay" lines: [ms since start, new delay]. */
  readonly delayBoosts: [number, number][] = [];
  private readonly maxRecorded: number;
  private readonly start = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private filling = false;
  private refill = false;
  private done: (() => void) | undefined;

  /** `ports`: distinct and ascending, as `parsePorts` gives them. */
  constructor(
    ports: readonly number[],
    opts: ScanOptions,
    defaultWindow: number,
    private readonly kind: ScanKind = TCP_SCAN,
  ) {
    this.queue = ports;
    this.timing = resolveTiming(opts);
    this.window = Math.max(1, Math.min(opts.window ?? defaultWindow, this.timing.maxParallelism ?? Infinity));
    this.fixedTries = opts.tries === undefined ? undefined : Math.min(255, Math.max(1, opts.tries));
    this.maxRetries = this.timing.maxRetries;
    this.delayMs = this.timing.scanDelayMs;
    this.lastBoostAt = this.start;
    this.maxRecorded = opts.maxRecordedProbes ?? 2000;
    this.rtt = new RttEstimator(this.timing.initialMs, this.timing.minMs, this.timing.maxMs);
    const most = this.fixedTries ?? this.maxRetries + 1;
    this.order = new Int32Array(ports.length * most + 1);
    this.orderAt = new Float64Array(ports.length * most + 1);
  }

  /** Runs until every port has a state. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve;
      this.fill();
      this.finishIfDone();
      if (this.decided < this.queue.length) this.timer = setInterval(() => this.scheduleCheck(), 5);
    });
  }

  elapsedMs(): number {
    return round3(performance.now() - this.start);
  }

  /** Is a probe for `port` waiting for an answer? */
  isWaiting(port: number): boolean {
    return this.waiting[port] === 1;
  }

  /**
   * Records the answer for `port`; answers for ports not in flight (late, duplicate) are ignored.
   * `measuredMs` is the transport's own round trip (kernel timestamps); without it the engine
   * times the answer itself, when JavaScript sees it.
   */
  answer(port: number, state: PortState, reason: string, answer: string, measuredMs?: number): void {
    if (this.waiting[port] !== 1) return;
    this.waiting[port] = 0;
    this.inflight--;
    const rttMs =
      measuredMs !== undefined && Number.isFinite(measuredMs) && measuredMs >= 0 ? measuredMs : performance.now() - this.sentAt[port];
    this.adjustForDrops(port, rttMs);
    this.rtt.sample(rttMs);
    if (this.records.size) {
      const record = this.records.get(port);
      if (record) {
        record.answer = answer;
        this.records.delete(port);
      }
    }
    this.decide(port, state, reason, rttMs);
    this.fill();
    this.finishIfDone();
  }

  /**
   * Runs `fn`, which answers many probes, and sends the probes that free up afterwards in one
   * round, so a transport that batches sends sees whole batches.
   */
  batch(fn: () => void): void {
    const outer = this.filling;
    this.filling = true;
    try {
      fn();
    } finally {
      this.filling = outer;
    }
    if (!outer && this.refill) this.fill();
    this.finishIfDone();
  }

  private decide(port: number, state: PortState, reason: string, rttMs: number): void {
    let r = this.reasonIndex.get(reason);
    if (r === undefined) {
      r = this.reasons.push(reason) - 1;
      this.reasonIndex.set(reason, r);
    }
    this.state[port] = STATES.indexOf(state);
    this.reasonOf[port] = r;
    this.rttOf[port] = rttMs;
    this.decided++;
  }

  private sendProbe(port: number): void {
    const sentAt = performance.now();
    const attempt = ++this.attempts[port];
    if (this.probes.length < this.maxRecorded) {
      const record: ProbeRecord = { time: round3(sentAt - this.start), port, sent: this.kind.sent, answer: 'none' };
      this.probes.push(record);
      this.records.set(port, record);
    } else {
      this.records.delete(port);
      this.probesOmitted++;
    }
    this.prevSentAt[port] = this.sentAt[port];
    this.sentAt[port] = sentAt;
    this.lastSendAt = sentAt;
    this.waiting[port] = 1;
    this.inflight++;
    this.order[this.orderTail] = port;
    this.orderAt[this.orderTail++] = sentAt;
    this.probesSent++;
    this.transport.send(port, attempt);
  }

  /** Sends until the window is full; re-entrant calls (answers during a flush) only ask for another round. */
  private fill(): void {
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = true;
    try {
      do {
        this.refill = false;
        while (this.inflight < this.window) {
          if (this.delayMs > 0 && performance.now() - this.lastSendAt < this.delayMs) break; // the check timer sends the next one
          let port: number;
          if (this.retryHead < this.retry.length) port = this.retry[this.retryHead++];
          else if (this.next < this.queue.length) port = this.queue[this.next++];
          else break;
          this.sendProbe(port);
        }
        this.transport.flush?.();
      } while (this.refill);
    } finally {
      this.filling = false;
    }
  }

  private scheduleCheck(): void {
    if (this.checking) return;
    this.checking = true;
    setImmediate(() => {
      this.checking = false;
      this.expire();
    });
  }

  private expire(): void {
    if (this.decided === this.queue.length) return this.finishIfDone();
    // the deadline is read first: a probe is timed from before its send call, and a send of a
    // whole round can itself take longer than the timeout on a loaded machine (on loopback and
    // veth each send runs the target's answer too), so the round's answers, already queued,
    // are read before any probe is judged silent
    const deadline = performance.now() - this.rtt.timeoutMs();
    this.transport.poll?.();
    if (this.decided === this.queue.length) return this.finishIfDone();
    while (this.orderHead < this.orderTail) {
      const port = this.order[this.orderHead];
      const at = this.orderAt[this.orderHead];
      if (this.waiting[port] !== 1 || this.sentAt[port] !== at) {
        this.orderHead++; // answered, or superseded by its retransmission
        continue;
      }
      if (at > deadline) break; // in send order: the rest are younger
      this.orderHead++;
      this.waiting[port] = 0;
      this.inflight--;
      this.transport.cancel(port);
      if (this.attempts[port] < this.allowedTries()) this.retry.push(port);
      else {
        this.records.delete(port);
        this.decide(port, this.kind.silent, 'no-response', NaN);
      }
    }
    this.fill();
    this.finishIfDone();
  }

  /**
   * nmap's reaction to drops (scan_engine.cc, ultrascan_adjust_timing and the
   * max_successful_tryno update), which is how it copes with a target's ICMP rate limit: an
   * answer to a retransmission whose previous probe went out after the last boost counts as a
   * drop, any other answer as good; more than 10 drops making over 30 % (T4/T5: 40 %) of the
   * answers since the last boost, or the highest answered retransmission passing 3 (T4/T5: 4),
   * boost the send delay: 0 → 5 ms (UDP 50 ms), then doubled, at most the template's max scan
   * delay (TCP: T3 1 s, T4 10 ms, T5 5 ms; UDP 1 s). Bounded: the delay never passes that max.
   */
  private adjustForDrops(port: number, rttMs: number): void {
    let tryno = this.attempts[port] - 1;
    // nmap tells its probes' answers apart (the try number is in the source port); where the
    // transport cannot (SYN, UDP: every try looks alike), an answer slower than this path's
    // srtt + 4 rttvar after the retransmission is taken for a late answer to an earlier probe
    const spread = this.rtt.spreadMs();
    if (tryno > 0 && !this.exactAttempts && spread !== undefined && rttMs > spread) tryno = 0;
    if (tryno > 0 && this.prevSentAt[port] > this.lastBoostAt) this.droppedSinceBoost++;
    else this.goodSinceBoost++;
    const fast = this.timing.maxTcpScanDelayMs <= 10; // T4 and T5 (timing_level >= 4)
    const bad = this.droppedSinceBoost;
    if (bad > 10 && bad / (bad + this.goodSinceBoost) > (fast ? 0.4 : 0.3)) this.boostDelay();
    if (tryno > this.maxSuccessfulTry) {
      this.maxSuccessfulTry = tryno;
      if (tryno > (fast ? 4 : 3)) this.boostDelay();
    }
  }

  /** nmap's HostScanStats::boostScanDelay. */
  private boostDelay(): void {
    const udp = this.kind.proto === 'udp';
    const most = udp ? this.timing.maxUdpScanDelayMs : this.timing.maxTcpScanDelayMs;
    const next = this.delayMs === 0 ? (udp ? 50 : 5) : Math.min(this.delayMs * 2, Math.max(this.delayMs, 1000));
    const old = this.delayMs;
    this.delayMs = Math.max(old, Math.min(next, most));
    this.lastBoostAt = performance.now();
    this.goodSinceBoost = 0;
    this.droppedSinceBoost = 0;
    if (this.delayMs !== old) this.delayBoosts.push([round3(this.lastBoostAt - this.start), this.delayMs]);
  }

  /** The send delay now, in ms. */
  sendDelayMs(): number {
    return this.delayMs;
  }

  /**
   * Probes a port may get: `tries` when given, else nmap's allowedTryno() + 1: one
   * retransmission more than the highest that ever got an answer (so 2 while every answer came
   * to a first probe), at most 1 + max retries.
   */
  private allowedTries(): number {
    return this.fixedTries ?? 1 + Math.min(this.maxRetries, this.maxSuccessfulTry + 1);
  }

  private finishIfDone(): void {
    if (this.decided < this.queue.length || !this.done) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const done = this.done;
    this.done = undefined;
    done();
  }

  /** The scan's result record: states in port order and the probe log. */
  result(
    target: string,
    method: ScanResult['method'],
    engine: ScanResult['engine'],
    timeSource: ScanResult['timeSource'] = 'userspace',
  ): ScanResult {
    const srtt = this.rtt.smoothedMs();
    return {
      target,
      method,
      engine,
      ports: this.sortedResults(),
      probesSent: this.probesSent,
      elapsedMs: this.elapsedMs(),
      probes: this.probes,
      probesOmitted: this.probesOmitted,
      timeSource,
      ...(srtt === undefined ? {} : { srttMs: round3(srtt) }),
    };
  }

  /** Results in port order. */
  sortedResults(): PortResult[] {
    const out: PortResult[] = [];
    for (const port of this.queue) {
      const s = this.state[port];
      if (s === NONE) continue;
      const r: PortResult = {
        port,
        proto: this.kind.proto,
        state: STATES[s],
        reason: this.reasons[this.reasonOf[port]],
        service: serviceName(port, this.kind.proto),
      };
      if (!Number.isNaN(this.rttOf[port])) r.rttMs = round3(this.rttOf[port]);
      out.push(r);
    }
    return out;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
