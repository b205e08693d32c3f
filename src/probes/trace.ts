import { UsageError } from '../errors.js';
import { parseIcmp, parseIpv4, routeSource } from './packet.js';
import { RawChannel } from './raw.js';
import { checkTarget } from './target.js';
import { icmpProbes, type ProbeKind, type ProbeMatch, tcpProbes, udpProbes } from './trace-probes.js';

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
}

export interface TraceProbeResult {
  address: string | null;
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
}

/**
 * traceroute: probes with TTL firstHop, firstHop+1, … (`queries` per hop), up to `parallel` in
 * flight, each waiting `waitMs`; a raw ICMP socket reads time-exceeded/unreachable errors (and
 * echo replies). The trace stops at the lowest hop that reached the destination: no probes are
 * sent beyond it and answers from beyond it are dropped. Unanswered probes are `null` (`*`).
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
  const total = (maxHops - first + 1) * queries;
  const sentAt: number[] = [];
  const results: (TraceProbeResult | undefined)[] = new Array(total);
  let finalTtl = Infinity;
  let next = 0;
  let inflight = 0;
  const start = performance.now();
  const ttlOf = (i: number) => first + Math.floor(i / queries);
  let kind: ProbeKind | undefined;
  let icmpSock: RawChannel | undefined;
  let timer: NodeJS.Timeout | undefined;

  const finished = new Promise<void>((resolve, reject) => {
    const settle = (index: number, r: TraceProbeResult) => {
      if (index < 0 || index >= next || results[index]) return;
      results[index] = r;
      inflight--;
      pump();
    };
    const onMatch = (m: ProbeMatch) => {
      if (m.index < 0 || m.index >= next || results[m.index]) return;
      const rttMs = Math.round((performance.now() - sentAt[m.index]) * 1000) / 1000;
      if (m.final) finalTtl = Math.min(finalTtl, ttlOf(m.index));
      settle(m.index, m.annotation ? { address: m.address, rttMs, annotation: m.annotation } : { address: m.address, rttMs });
    };
    const pump = () => {
      while (inflight < parallel && next < total && ttlOf(next) <= finalTtl) {
        const i = next++;
        sentAt[i] = performance.now();
        inflight++;
        kind!.send(i, ttlOf(i));
      }
      const needed = Math.min(total, finalTtl === Infinity ? total : (finalTtl - first + 1) * queries);
      let open = false;
      for (let i = 0; i < needed; i++) if (!results[i]) open = true;
      if (!open) resolve();
    };
    const expire = () => {
      const now = performance.now();
      for (let i = 0; i < next; i++) if (!results[i] && now - sentAt[i] >= waitMs) settle(i, { address: null, rttMs: null });
    };
    icmpSock = new RawChannel('icmp', (pkt, len) => {
      const ip = parseIpv4(pkt.subarray(0, len));
      const icmp = ip && ip.proto === 1 ? parseIcmp(ip.payload) : undefined;
      if (!icmp || ![0, 3, 11].includes(icmp.type)) return;
      const m = kind?.matchIcmp(ip!, icmp);
      if (m) onMatch(m);
    }, 1 << 20);
    const begin = async () => {
      const port = opts.port;
      if (probe === 'udp') kind = udpProbes(target, port, (i) => (sentAt[i] = performance.now()));
      else if (probe === 'icmp') kind = icmpProbes(target, icmpSock!);
      else kind = tcpProbes(target, await routeSource(target), onMatch, port);
      timer = setInterval(() => setImmediate(expire), Math.max(5, Math.min(50, waitMs / 10)));
      pump();
    };
    begin().catch(reject);
  });
  try {
    await finished;
  } finally {
    if (timer) clearInterval(timer);
    kind?.close();
    icmpSock?.close();
  }
  const lastTtl = Math.min(maxHops, finalTtl);
  const hops: TraceHop[] = [];
  for (let ttl = first; ttl <= lastTtl; ttl++) {
    const probes = results.slice((ttl - first) * queries, (ttl - first + 1) * queries).map((r) => r ?? { address: null, rttMs: null });
    hops.push({ ttl, probes, reached: probes.some((p) => p.address === target) });
  }
  return { target, probe, maxHops, hops, destinationReached: hops.some((h) => h.reached), elapsedMs: Math.round((performance.now() - start) * 1000) / 1000 };
}
