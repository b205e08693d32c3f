/**
 * Authoritative lookup (RFC 1034 §4.3.2, simplified: no delegations): answers, CNAME chasing
 * across the served zones, NODATA vs NXDOMAIN (an empty non-terminal is NODATA), wildcards
 * (RFC 4592), the SOA in the authority section of negative answers, REFUSED outside the zones.
 */
import { isAtOrBelow, normName, parentName } from './names.js';
import type { Zone, ZoneRecord } from './zone.js';

export type LookupRcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

export interface LookupResult {
  rcode: LookupRcode;
  /** Authoritative: false only for REFUSED. */
  aa: boolean;
  answers: ZoneRecord[];
  authority: ZoneRecord[];
  additional: ZoneRecord[];
}

const MAX_CNAME_HOPS = 16;

/** The zone with the deepest apex at or above `name`, if any. Zones are sorted deepest first. */
export function findZone(zones: Zone[], name: string): Zone | undefined {
  return zones.find((z) => isAtOrBelow(name, z.apex));
}

/** The records at `name`, or those of a matching wildcard (renamed to `name`). */
function recordsAt(zone: Zone, name: string): ZoneRecord[] | undefined {
  const exact = zone.names.get(name);
  if (exact) return exact;
  if (zone.nodes.has(name)) return [];
  let encloser = parentName(name);
  while (!zone.nodes.has(encloser) && encloser !== zone.apex && encloser !== '') encloser = parentName(encloser);
  const wild = zone.names.get(encloser ? `*.${encloser}` : '*');
  return wild?.map((r) => ({ ...r, name }));
}

function negativeSoa(zone: Zone): ZoneRecord {
  return { ...zone.soa, ttl: Math.min(zone.soa.ttl, zone.soa.data.minimum) };
}

/** A/AAAA records of the MX exchanges and NS targets among `answers` that the zones hold. */
function glue(zones: Zone[], answers: ZoneRecord[]): ZoneRecord[] {
  const out: ZoneRecord[] = [];
  for (const r of answers) {
    const target = r.type === 'NS' ? (r.data as string) : r.type === 'MX' ? (r.data as { exchange: string }).exchange : undefined;
    const z = target === undefined ? undefined : findZone(zones, target);
    if (z) out.push(...(z.names.get(target!) ?? []).filter((g) => g.type === 'A' || g.type === 'AAAA'));
  }
  return out;
}

/** Answers one question (`qtype` as dns-packet names it; `ANY` returns every record). */
export function lookup(zones: Zone[], qname: string, qtype: string): LookupResult {
  let name = normName(qname);
  let zone = findZone(zones, name);
  if (!zone) return { rcode: 'REFUSED', aa: false, answers: [], authority: [], additional: [] };
  const answers: ZoneRecord[] = [];
  const seen = new Set<string>();
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    seen.add(name);
    const rs = recordsAt(zone, name);
    if (!rs) return { rcode: 'NXDOMAIN', aa: true, answers, authority: [negativeSoa(zone)], additional: [] };
    const match = qtype === 'ANY' ? rs : rs.filter((r) => r.type === qtype);
    if (match.length) {
      answers.push(...match);
      return { rcode: 'NOERROR', aa: true, answers, authority: [], additional: glue(zones, match) };
    }
    const cname = rs.find((r) => r.type === 'CNAME');
    if (!cname) return { rcode: 'NOERROR', aa: true, answers, authority: [negativeSoa(zone)], additional: [] };
    answers.push(cname);
    const target = cname.data as string;
    const next = findZone(zones, target);
    if (!next || seen.has(target)) break;
    name = target;
    zone = next;
  }
  return { rcode: 'NOERROR', aa: true, answers, authority: [], additional: [] };
}
