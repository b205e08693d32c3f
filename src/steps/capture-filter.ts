import type { ScanBody } from '../generated/scenario.js';
import { parsePorts } from '../probes/ports.js';

/**
 * Whether two captures' BPF filters can be shown to match no packet in common, cheaply: only
 * the forms `icmp`, `icmp6`, `tcp`, `udp`, `arp`, `[tcp|udp] port N` are understood. Anything
 * else (no filter, `host …`, `and`/`or`) may overlap, so it answers false: "cannot tell".
 */
export function filtersDisjoint(a: string | undefined, b: string | undefined): boolean {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return false;
  const protos = x.protos.filter((p) => y.protos.includes(p));
  if (protos.length === 0) return true;
  // same protocol: disjoint only when both name a port and the ports differ
  return x.port !== undefined && y.port !== undefined && x.port !== y.port;
}

/** What a filter of the understood forms keeps: these protocols (and only this port, if given). */
export interface FilterShape {
  protos: string[];
  port?: number;
}

/** Whether a capture with this filter would record a probe of `proto` to `port` (false: surely not; true: may). */
export function filterMayMatch(filter: string | undefined, proto: 'tcp' | 'udp', ports: readonly number[]): boolean {
  const f = parse(filter);
  if (!f) return true;
  return f.protos.includes(proto) && (f.port === undefined || ports.includes(f.port));
}

const PROTOS = ['icmp', 'icmp6', 'tcp', 'udp', 'arp'];

function parse(filter: string | undefined): FilterShape | undefined {
  if (filter === undefined) return undefined;
  const words = filter.trim().toLowerCase().split(/\s+/);
  if (words.length === 1 && PROTOS.includes(words[0])) return { protos: [words[0]] };
  const port = (w: string | undefined) => (w !== undefined && /^\d{1,5}$/.test(w) ? Number(w) : undefined);
  if (words.length === 2 && words[0] === 'port' && port(words[1]) !== undefined) return { protos: ['tcp', 'udp'], port: port(words[1]) };
  if (words.length === 3 && (words[0] === 'tcp' || words[0] === 'udp') && words[1] === 'port' && port(words[2]) !== undefined)
    return { protos: [words[0]], port: port(words[2]) };
  return undefined;
}

/** The ports a scan probes, or undefined when its spec is bad (the scan's own check says so). */
export function scannedPorts(b: ScanBody): number[] | undefined {
  try {
    return parsePorts(b.ports);
  } catch {
    return undefined;
  }
}
