import type { TraceHop, TraceProbeResult, TracerouteProbe } from '../generated/run-record.js';
import { UsageError } from '../errors.js';
import { parseIcmp, parseIpv4, routeSource } from './packet.js';
import { checkTarget } from './target.js';
import { icmpProbes, type ProbeKind, type ProbeMatch, tcpProbes, udpProbes } from './trace-probes.js';
import { nativeWire, portableWire, type ProbeWire } from './trace-wire.js';

export type TraceProbe = 'udp' | 'icmp' | 'tcp';

export interface TraceOptions {
  target: string;
  probe?: TraceProbe;
  /** Last TTL tried (traceroute -m; default 30). */
  maxHops?: number;
  /** First TTL (traceroute -f; default 1). */
  firstHop?: number;
  /** Probes per hop (traceroute -q; default 3). */
  queries?: number;
  /**
   * traceroute's `-w MAX,HERE,NEAR`. `waitMs` is MAX in ms: no probe waits longer. A probe
   * whose hop already has an answer waits HERE (`here`) × that answer's RTT; else, one with an
   * answer from a later hop waits NEAR (`near`) × its RTT (the first answer found counts, as in
   * traceroute). A factor of 0 switches that shortening off. Defaults are traceroute's:
   * 5000 ms, 3, 10; as `traceroute -w 5` does, giving `waitMs` alone sets both factors to 0.
   */
  waitMs?: number;
  here?: number;
  near?: number;
  /** Probes outstanding at once (traceroute -N squeries, --sim-queries; default 16). */
  parallel?: number;
  /** UDP: first destination port (default 33434); TCP: destination port (default 80). */
  port?: number;
  /** CIDRs besides loopback that may be probed. */
  allow?: string[];
  /** Use the portable path (raw-socket and dgram, times from the event loop) even when the native module is built. */
  portable?: boolean;
}

/** A hop, a probe's answer: the run record's types (schemas/run.schema.json). */
export type { TraceHop, TraceProbeResult } from '../generated/run-record.js';

/** What `trace` returns (the run record's traceroute probe without its `kind`). */
export type TraceResult = Omit<TracerouteProbe, 'kind'>;

/**
 * traceroute: probes with TTL firstHop, firstHop+1, … (`queries` per hop), sent in that order
 * with up to `parallel` outstanding (traceroute -N 16), each waiting as traceroute's
 * `-w MAX,HERE,NEAR` says (see `waitMs`), probes expiring in send order; a raw ICMP socket
 * reads time-exceeded/unreachable errors (and echo replies). As traceroute 2.1 does, the trace
 * stops at the lowest hop that reached the destination: no probes are sent beyond it and
 * answers from beyond it are dropped. Unanswered probes are `null` (`*`). Sending in TTL order
 * matters under the kernel's default ICMP rate limits (a host answers a burst of 6, then one a
 * second): the destination then spends its burst on the probes of its own hop first.
 */
export async function trace(opts: TraceOptions): Promise<TraceResult> {
  const { address: target, family } = checkTarget(opts.target, opts.allow);
  if (family !== 4) throw new UsageError('trace supports IPv4 targets only');
  const probe = opts.probe ?? 'udp';
  if (!['udp', 'icmp', 'tcp'].includes(probe)) throw new UsageError(`unknown probe "${probe}" (udp, icmp or tcp)`);
  const maxHops = opts.maxHops ?? 30;
  const first = opts.firstHop ?? 1;
  const queries = opts.queries ?? 3;
  const waitMs = opts.waitMs ?? 5000;
  // traceroute: "here and near are always set to zero if only max is specified"
  const maxOnly = opts.waitMs !== undefined && opts.here === undefined && opts.near === undefined;
  const here = maxOnly ? 0 : (opts.here ?? 3);
  const near = maxOnly ? 0 : (opts.near ?? 10);
  const parallel = opts.parallel ?? 16;
  if (!(maxHops >= 1 && maxHops <= 255 && first >= 1 && first <= maxHops && queries >= 1 && queries <= 10)) {
    throw new UsageError('trace: need 1 <= first hop <= max hops <= 255 and 1-10 queries per hop');
  }
  if (!(waitMs > 0 && waitMs <= 3_600_000 && here >= 0 && near >= 0 && Number.isFinite(here) && Number.isFinite(near))) {
    throw new UsageError('trace: the wait needs 0 < MAX <= 3600 s and HERE, NEAR >= 0 (traceroute -w MAX,HERE,NEAR)');
  }
  if (!(Number.isInteger(parallel) && parallel >= 1 && parallel <= 512))
    throw new UsageError(`trace: probes in flight (-N) must be a whole number from 1 to 512, got ${parallel}`);
  const kind: ProbeKind =
    probe === 'udp'
      ? udpProbes(target, opts.port)
      : probe === 'icmp'
        ? icmpProbes(target)
        : tcpProbes(target, await routeSource(target), opts.port);
  const total = (maxHops - first + 1) * queries;
  /** Send times on the wire's clock; expiry uses the event loop's clock (`sentLocal`). */
  const sentAt: number[] = [];
  const sentLocal: number[] = [];
  const results = new Array<TraceProbeResult | undefined>(total);
  let finalTtl = Infinity;
  /** The first probe not yet settled in order (traceroute's `start`: the next one it would print). */
  let startIdx = 0;
  const start = performance.now();
  const ttlOf = (i: number) => first + Math.floor(i / queries);
  let wire: ProbeWire | undefined;
  let timer: NodeJS.Timeout | undefined;
  let done = false;

  const timeoutOf = (n: number) => probeWaitMs(n, results, (i) => sentLocal[i] !== undefined, queries, { waitMs, here, near });

  const finished = new Promise<void>((resolve, reject) => {
    // answers read together are all settled before more probes go out (one pump per batch, in a
    // microtask after the native callback), as traceroute reads every ready answer before it
    // sends: when the destination's answer is in the batch, nothing is sent beyond its hop
    let pumpQueued = false;
    const queuePump = () => {
      if (pumpQueued) return;
      pumpQueued = true;
      queueMicrotask(() => {
        pumpQueued = false;
        if (!done) pump();
      });
    };
    const onMatch = (m: ProbeMatch, atMs: number) => {
      if (m.index < 0 || m.index >= total || results[m.index] || sentAt[m.index] === undefined) return;
      const rttMs = Math.round(Math.max(0, atMs - sentAt[m.index]) * 1000) / 1000;
      if (m.final) finalTtl = Math.min(finalTtl, ttlOf(m.index));
      results[m.index] = m.annotation ? { address: m.address, rttMs, annotation: m.annotation } : { address: m.address, rttMs };
      queuePump();
    };
    const onAnswer = (pkt: Buffer, socket: 'icmp' | 'tcp', atMs: number) => {
      if (done) return;
      let m: ProbeMatch | undefined;
      if (socket === 'tcp') m = kind.matchTcp(pkt);
      else {
        const ip = parseIpv4(pkt);
        const icmp = ip && ip.proto === 1 ? parseIcmp(ip.payload) : undefined;
        if (icmp && [0, 3, 11].includes(icmp.type)) m = kind.matchIcmp(ip!, icmp, (i) => wire!.udpSource(i));
      }
      if (m) onMatch(m, atMs);
    };
    /**
     * One pass of traceroute's do_it() loop: from the first unsettled probe on, the probe at the
     * front expires when its wait (timeoutOf) is over, unsent probes are sent until `parallel`
     * are outstanding, and the pass ends at the destination's hop once an answer came from it.
     */
    const pump = () => {
      const end = Math.min(total, finalTtl === Infinity ? total : (finalTtl - first + 1) * queries);
      const now = performance.now();
      let deadline = Infinity;
      let outstanding = 0;
      for (let n = startIdx; n < end; n++) {
        if (n === startIdx && !results[n] && sentLocal[n] !== undefined) {
          const expireAt = sentLocal[n] + timeoutOf(n);
          if (expireAt > now) deadline = expireAt;
          else results[n] = { address: null, rttMs: null };
        }
        if (results[n]) {
          if (n === startIdx) startIdx++;
          continue;
        }
        if (sentLocal[n] === undefined) {
          sentLocal[n] = performance.now();
          const { bytes, port } = kind.packet(n);
          wire!.send(n, bytes, ttlOf(n), port, (at) => (sentAt[n] = at));
        }
        if (++outstanding >= parallel) break;
      }
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (startIdx >= end) {
        done = true;
        resolve();
        return;
      }
      // the front probe may have gone out in this very pass: its wait starts now
      if (deadline === Infinity && sentLocal[startIdx] !== undefined) deadline = sentLocal[startIdx] + timeoutOf(startIdx);
      // judged in a setImmediate after the timer, once the event loop has polled for I/O, so
      // answers already waiting in the kernel are read before a probe expires
      if (deadline !== Infinity) timer = setTimeout(() => setImmediate(() => !done && pump()), Math.max(1, deadline - performance.now()));
    };
    try {
      wire = (!opts.portable && nativeWire(probe, target, onAnswer)) || portableWire(probe, target, onAnswer);
      pump();
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
  try {
    await finished;
  } finally {
    done = true;
    if (timer) clearTimeout(timer);
    wire?.close();
  }
  const lastTtl = Math.min(maxHops, finalTtl);
  const hops: TraceHop[] = [];
  for (let ttl = first; ttl <= lastTtl; ttl++) {
    const probes = results.slice((ttl - first) * queries, (ttl - first + 1) * queries).map((r) => r ?? { address: null, rttMs: null });
    hops.push({ ttl, probes, reached: probes.some((p) => p.address === target) });
  }
  return {
    target,
    probe,
    maxHops,
    hops,
    destinationReached: hops.some((h) => h.reached),
    elapsedMs: Math.round((performance.now() - start) * 1000) / 1000,
    engine: wire!.engine,
    timeSource: wire!.timeSource(),
  };
}

/** traceroute's `-w` value as trace() options. */
export interface TraceWait {
  waitMs: number;
  here: number;
  near: number;
}

/**
 * Parses traceroute's `-w MAX[,HERE,NEAR]` (seconds and factors, separated by `,` or `/`, as
 * traceroute accepts): `5,3,10` → 5000 ms, 3, 10. With MAX alone HERE and NEAR are 0, as
 * traceroute sets them ("for compatibility with previous versions"). Undefined when malformed.
 */
export function parseWait(text: string): TraceWait | undefined {
  const parts = text.trim().split(/[,/]/);
  if (parts.length > 3 || parts.some((p) => !/^(\d+(\.\d*)?|\.\d+)$/.test(p.trim()))) return undefined;
  const [max, here, near] = parts.map(Number);
  if (!(max > 0 && max <= 3600)) return undefined;
  return { waitMs: max * 1000, here: parts.length > 1 ? here : 0, near: parts.length > 2 ? near : 0 };
}

/**
 * traceroute's get_timeout() for probe `n` (indices in send order, `queries` per hop): HERE ×
 * the RTT of an answer already in from another probe of its hop; else NEAR × the RTT of an
 * answer to a later probe, looking no further than the first probe not yet sent; else MAX.
 * The first answer found counts; never more than MAX; a factor of 0 skips its rule.
 */
export function probeWaitMs(
  n: number,
  results: readonly (TraceProbeResult | undefined)[],
  sent: (i: number) => boolean,
  queries: number,
  w: TraceWait,
): number {
  if (w.here > 0) {
    const h = n - (n % queries);
    for (let i = h; i < h + queries; i++) {
      const r = results[i];
      if (i !== n && r && r.rttMs !== null) return Math.min(w.waitMs, r.rttMs * w.here);
    }
  }
  if (w.near > 0) {
    for (let i = n + 1; i < results.length && sent(i); i++) {
      const r = results[i];
      if (r && r.rttMs !== null) return Math.min(w.waitMs, r.rttMs * w.near);
    }
  }
  return w.waitMs;
}
