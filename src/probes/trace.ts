import { UsageError } from '../errors.js';
import { parseIcmp, parseIpv4, routeSource } from './packet.js';
import { checkTarget } from './target.js';
import { icmpProbes, type ProbeKind, type ProbeMatch, tcpProbes, udpProbes } from './trace-probes.js';
import { nativeWire, portableWire, type ProbeWire, type TraceTimeSource } from './trace-wire.js';

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
   * How long each probe waits for its answer, in ms (default 1000, i.e. `traceroute -w 1`).
   * Linux traceroute's own default is `-w 5,3,10` (up to 5 s, shortened by answers from later
   * hops); lab paths are sub-millisecond namespace links, where one second is ample and keeps a
   * silent tail short.
   */
  waitMs?: number;
  /** Probes in flight at once (traceroute -N; default 16). */
  parallel?: number;
  /** UDP: first destination port (default 33434); TCP: destination port (default 80). */
  port?: number;
  /** CIDRs besides loopback that may be probed. */
  allow?: string[];
  /** Use the portable path (raw-socket and dgram, times from the event loop) even when the native module is built. */
  portable?: boolean;
}

export interface TraceProbeResult {
  address: string | null;
  /** Round trip in ms: the answer's arrival (the kernel's receive timestamp on the native path) minus the send time. */
  rttMs: number | null;
  /** `!H`, `!N`, `!X`… for unreachables, as traceroute prints them. */
  annotation?: string;
}

export interface TraceHop {
  ttl: number;
  probes: TraceProbeResult[];
  /** A probe of this hop reached the destination (or an unreachable ended the path). */
  reached: boolean;
}

export interface TraceResult {
  target: string;
  probe: TraceProbe;
  maxHops: number;
  hops: TraceHop[];
  destinationReached: boolean;
  elapsedMs: number;
  /** `native` (native/trace.c) or `portable` (raw-socket and dgram). */
  engine: 'native' | 'portable';
  /** `kernel`: every answer's time is the kernel's receive timestamp; `userspace`: times are when a process saw the answer, event-loop delays included. */
  timeSource: TraceTimeSource;
}

/**
 * traceroute: probes with TTL firstHop, firstHop+1, … (`queries` per hop), sent in that order
 * with up to `parallel` in flight (traceroute -N 16), each waiting `waitMs`; a raw ICMP socket
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
  const waitMs = opts.waitMs ?? 1000;
  const parallel = opts.parallel ?? 16;
  if (!(maxHops >= 1 && maxHops <= 255 && first >= 1 && first <= maxHops && queries >= 1 && queries <= 10)) {
    throw new UsageError('trace: need 1 <= first hop <= max hops <= 255 and 1-10 queries per hop');
  }
  const kind: ProbeKind = probe === 'udp' ? udpProbes(target, opts.port) : probe === 'icmp' ? icmpProbes(target) : tcpProbes(target, await routeSource(target), opts.port);
  const total = (maxHops - first + 1) * queries;
  /** Send times on the wire's clock; `expire` uses the event loop's clock (a timeout needs no precision). */
  const sentAt: number[] = [];
  const sentLocal: number[] = [];
  const results: (TraceProbeResult | undefined)[] = new Array(total);
  let finalTtl = Infinity;
  let next = 0;
  let inflight = 0;
  const start = performance.now();
  const ttlOf = (i: number) => first + Math.floor(i / queries);
  let wire: ProbeWire | undefined;
  let timer: NodeJS.Timeout | undefined;
  let done = false;

  const finished = new Promise<void>((resolve, reject) => {
    // answers read together are all settled before more probes go out (one pump per batch, in a
    // microtask after the native callback), as traceroute reads every ready answer before it
    // sends: when the destination's answer is in the batch, nothing is sent beyond its hop
    let pumpQueued = false;
    const settle = (index: number, r: TraceProbeResult) => {
      if (index < 0 || index >= next || results[index]) return;
      results[index] = r;
      inflight--;
      if (pumpQueued) return;
      pumpQueued = true;
      queueMicrotask(() => {
        pumpQueued = false;
        if (!done) pump();
      });
    };
    const onMatch = (m: ProbeMatch, atMs: number) => {
      if (m.index < 0 || m.index >= next || results[m.index] || sentAt[m.index] === undefined) return;
      const rttMs = Math.round(Math.max(0, atMs - sentAt[m.index]) * 1000) / 1000;
      if (m.final) finalTtl = Math.min(finalTtl, ttlOf(m.index));
      settle(m.index, m.annotation ? { address: m.address, rttMs, annotation: m.annotation } : { address: m.address, rttMs });
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
    const pump = () => {
      while (inflight < parallel && next < total && ttlOf(next) <= finalTtl) {
        const i = next++;
        sentLocal[i] = performance.now();
        inflight++;
        const { bytes, port } = kind.packet(i);
        wire!.send(i, bytes, ttlOf(i), port, (at) => (sentAt[i] = at));
      }
      const needed = Math.min(total, finalTtl === Infinity ? total : (finalTtl - first + 1) * queries);
      let open = false;
      for (let i = 0; i < needed; i++) if (!results[i]) open = true;
      if (!open) {
        done = true;
        resolve();
      }
    };
    const expire = () => {
      const now = performance.now();
      for (let i = 0; i < next; i++) if (!results[i] && now - sentLocal[i] >= waitMs) settle(i, { address: null, rttMs: null });
    };
    try {
      wire = (!opts.portable && nativeWire(probe, target, onAnswer)) || portableWire(probe, target, onAnswer);
      timer = setInterval(() => setImmediate(expire), Math.max(5, Math.min(50, waitMs / 10)));
      pump();
    } catch (err) {
      reject(err);
    }
  });
  try {
    await finished;
  } finally {
    done = true;
    if (timer) clearInterval(timer);
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
