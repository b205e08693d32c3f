/**
 * The zone model: scenarios write `ZoneSpec`s (schemas/dns-zone.schema.json); `compileZones` checks them
 * and turns them into `Zone`s (absolute lower-case names, a TTL on every record, an SOA per
 * apex) that lookup.ts answers from.
 */
import { isIPv4 } from 'node:net';
import { ipFamily } from '../util/ip.js';
import { UsageError } from '../errors.js';
import { canonicalIPv6, isAtOrBelow, nameProblem, normName, parentName, reverseAddress } from './names.js';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'TXT'] as const;
export type DnsRecordType = (typeof RECORD_TYPES)[number];

export interface MxValue {
  priority: number;
  exchange: string;
}
export interface SoaValue {
  mname: string;
  rname: string;
  serial?: number;
  refresh?: number;
  retry?: number;
  expire?: number;
  minimum?: number;
}

/** A record as written in a scenario. */
export interface ZoneRecordSpec {
  name: string;
  type: DnsRecordType;
  value: string | string[] | MxValue | SoaValue;
  ttl?: number;
}

/** A zone as written in a scenario (`zone:` of `serve: dns`). */
export interface ZoneSpec {
  origin?: string;
  ttl?: number;
  records?: ZoneRecordSpec[];
}

/** Record data after compilation: names absolute, TXT as a list of ≤255-byte strings. */
export type RecordData = string | string[] | { preference: number; exchange: string } | Required<SoaValue>;

export interface ZoneRecord {
  name: string;
  type: DnsRecordType;
  ttl: number;
  data: RecordData;
}

/** One apex with its records by owner name. */
export interface Zone {
  apex: string;
  soa: ZoneRecord & { data: Required<SoaValue> };
  names: Map<string, ZoneRecord[]>;
  /** Every owner name and each of its ancestors down to the apex (so empty non-terminals exist). */
  nodes: Set<string>;
}

const DEFAULT_TTL = 300;

/** Resolves a name written in a zone: `@` and single labels are relative to the origin. */
export function absoluteName(name: string, origin: string | undefined): string {
  if (name === '@') {
    if (origin === undefined) throw new Error('`@` needs an origin');
    return origin;
  }
  const n = normName(name);
  if (name.endsWith('.') || n.includes('.') || origin === undefined) return n;
  return origin === '' ? n : `${n}.${origin}`;
}

function splitTxt(value: string | string[]): string[] {
  const parts: string[] = [];
  for (const s of Array.isArray(value) ? value : [value]) {
    const b = Buffer.from(s);
    if (b.length === 0) parts.push('');
    for (let i = 0; i < b.length; i += 255) parts.push(b.subarray(i, i + 255).toString());
  }
  return parts;
}

function compileData(r: ZoneRecordSpec, origin: string | undefined, ttl: number, where: string): RecordData {
  const v = r.value as unknown;
  const name = (x: unknown, what: string): string => {
    if (typeof x !== 'string' || x === '') throw new UsageError(`${where}: ${r.type} ${what} must be a name`);
    const n = absoluteName(x, origin);
    const p = nameProblem(n);
    if (p) throw new UsageError(`${where}: ${what} "${x}" ${p}`);
    return n;
  };
  switch (r.type) {
    case 'A':
      if (typeof v !== 'string' || !isIPv4(v)) throw new UsageError(`${where}: A value must be an IPv4 address, got ${JSON.stringify(v)}`);
      return v;
    case 'AAAA':
      if (typeof v !== 'string' || ipFamily(v) !== 6)
        throw new UsageError(`${where}: AAAA value must be an IPv6 address, got ${JSON.stringify(v)}`);
      return canonicalIPv6(v);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return name(v, 'value');
    case 'TXT':
      if (!(typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string'))))
        throw new UsageError(`${where}: TXT value must be a string or a list of strings`);
      return splitTxt(v);
    case 'MX': {
      const mx = v as Partial<MxValue>;
      if (!mx || typeof mx !== 'object' || !Number.isInteger(mx.priority) || mx.priority! < 0 || mx.priority! > 65535)
        throw new UsageError(`${where}: MX value must be { priority: 0-65535, exchange: NAME }`);
      return { preference: mx.priority!, exchange: name(mx.exchange, 'exchange') };
    }
    case 'SOA': {
      const s = v as Partial<SoaValue>;
      if (!s || typeof s !== 'object') throw new UsageError(`${where}: SOA value must be { mname, rname, ... }`);
      return {
        mname: name(s.mname, 'mname'),
        rname: name(s.rname, 'rname'),
        serial: s.serial ?? 1,
        refresh: s.refresh ?? 3600,
        retry: s.retry ?? 600,
        expire: s.expire ?? 86400,
        minimum: s.minimum ?? ttl,
      };
    }
    default:
      throw new UsageError(`${where}: unsupported record type ${JSON.stringify(r.type)} (use ${RECORD_TYPES.join(', ')})`);
  }
}

/** The apex of a spec: its origin, its SOA's owner, or the longest common suffix of its names. */
function specApex(spec: ZoneSpec, where: string): string {
  if (spec.origin !== undefined) return normName(spec.origin === '@' ? '' : spec.origin);
  const soa = spec.records?.find((r) => r.type === 'SOA');
  if (soa) return normName(soa.name);
  const names = (spec.records ?? []).map((r) => normName(r.name)).filter((n) => !n.endsWith('.arpa'));
  if (names.length === 0) throw new UsageError(`${where}: give an \`origin\` (no record names to derive the apex from)`);
  let suffix = names[0].split('.');
  for (const n of names.slice(1)) {
    const labels = n.split('.');
    let k = 0;
    while (k < suffix.length && k < labels.length && suffix[suffix.length - 1 - k] === labels[labels.length - 1 - k]) k++;
    suffix = suffix.slice(suffix.length - k);
  }
  if (suffix.length === 0) throw new UsageError(`${where}: the record names share no domain: give an \`origin\``);
  return suffix.join('.');
}

function synthSoa(apex: string, ttl: number, nsAtApex: ZoneRecord | undefined): Zone['soa'] {
  const mname = typeof nsAtApex?.data === 'string' ? nsAtApex.data : apex ? `ns.${apex}` : 'ns';
  const data = {
    mname,
    rname: apex ? `hostmaster.${apex}` : 'hostmaster',
    serial: 1,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: ttl,
  };
  return { name: apex, type: 'SOA', ttl, data };
}

/**
 * Checks zone specs and compiles them into zones, one per apex (specs sharing an apex merge).
 * Throws UsageError naming the record (`zones[0].records[3]: ...`) on bad data.
 */
export function compileZones(specs: ZoneSpec[], path = 'zones'): Zone[] {
  const byApex = new Map<string, { records: ZoneRecord[]; ttl: number }>();
  specs.forEach((spec, si) => {
    const where = `${path}[${si}]`;
    const ttl = spec.ttl ?? DEFAULT_TTL;
    const apex = specApex(spec, where);
    const origin = spec.origin !== undefined ? apex : undefined;
    const records = (spec.records ?? []).map((r, ri) => {
      const w = `${where}.records[${ri}]`;
      if (typeof r.name !== 'string' || r.name === '') throw new UsageError(`${w}: name is missing`);
      const name = absoluteName(r.name, origin);
      const p = nameProblem(name.startsWith('*.') ? name.slice(2) : name);
      if (p) throw new UsageError(`${w}: name "${r.name}" ${p}`);
      return { name, type: r.type, ttl: r.ttl ?? ttl, data: compileData(r, origin, ttl, w) };
    });
    // records outside the apex belong to their parent domain (e.g. a /24 reverse zone)
    const outside = [...new Set(records.filter((r) => !isAtOrBelow(r.name, apex)).map((r) => parentName(r.name) || r.name))];
    const apexes = [apex, ...outside.filter((a) => !outside.some((b) => b !== a && isAtOrBelow(a, b)))];
    for (const r of records) {
      const a = apexes.filter((x) => isAtOrBelow(r.name, x)).sort((x, y) => x.length - y.length)[0];
      if (r.type === 'SOA' && r.name !== a) throw new UsageError(`${where}: SOA record at ${r.name} is not at the apex ${a}`);
      const entry = byApex.get(a) ?? { records: [], ttl };
      entry.records.push(r);
      byApex.set(a, entry);
    }
    if (!byApex.has(apex)) byApex.set(apex, { records: [], ttl });
  });
  const zones: Zone[] = [];
  for (const [apex, { records, ttl }] of byApex) {
    const names = new Map<string, ZoneRecord[]>();
    for (const r of records) names.set(r.name, [...(names.get(r.name) ?? []), r]);
    for (const [name, rs] of names) {
      const cnames = rs.filter((r) => r.type === 'CNAME').length;
      if (cnames > 1 || (cnames === 1 && rs.length > 1))
        throw new UsageError(`${path}: ${name} has a CNAME and other records (a CNAME must be alone)`);
    }
    if (names.get(apex)?.some((r) => r.type === 'CNAME'))
      throw new UsageError(`${path}: ${apex || '.'} is an apex: it cannot have a CNAME`);
    const soas = (names.get(apex) ?? []).filter((r) => r.type === 'SOA');
    if (soas.length > 1) throw new UsageError(`${path}: ${apex} has ${soas.length} SOA records`);
    let soa = soas[0] as Zone['soa'] | undefined;
    if (!soa) {
      soa = synthSoa(
        apex,
        ttl,
        names.get(apex)?.find((r) => r.type === 'NS'),
      );
      names.set(apex, [soa, ...(names.get(apex) ?? [])]);
    }
    const nodes = new Set<string>();
    for (const name of names.keys())
      for (let n = name; isAtOrBelow(n, apex) && !nodes.has(n); n = parentName(n)) {
        nodes.add(n);
        if (n === apex) break;
      }
    zones.push({ apex, soa, names, nodes });
  }
  return zones.sort((a, b) => b.apex.length - a.apex.length);
}

/**
 * The PTR records of some zones as address → name pairs (what a reverse lookup of each address
 * answers, its first record first): the names tracert gives a traceroute's hops.
 */
export function ptrNames(zones: readonly ZoneSpec[]): { address: string; name: string }[] {
  const out: { address: string; name: string }[] = [];
  for (const z of zones)
    for (const r of z.records ?? []) {
      if (r.type !== 'PTR' || typeof r.value !== 'string') continue;
      let address: string | undefined;
      let name: string;
      try {
        address = reverseAddress(absoluteName(r.name, z.origin));
        name = absoluteName(r.value, z.origin);
      } catch {
        continue; // `@` without an origin: the zone's own check reports it
      }
      if (address && !out.some((x) => x.address === address)) out.push({ address, name });
    }
  return out;
}
