/**
 * Conversions between zone records, dns-packet answers and the JSON form wirelab records and
 * prints: `{ name, type, ttl, data }` with `data` in presentation form without trailing dots
 * (A "203.0.113.10", MX "10 mail.lab.example", TXT the strings joined, SOA the seven fields).
 */
import type { Answer } from 'dns-packet';
import { canonicalIPv6 } from './names.js';
import type { DnsRecordJson as RecordJson } from '../generated/run-record.js';
import type { RecordData, ZoneRecord } from './zone.js';

/** One resource record as JSON: the run record's type. */
export type { DnsRecordJson as RecordJson } from '../generated/run-record.js';

/** The dns-packet answer of a zone record. */
export function toAnswer(r: ZoneRecord): Answer {
  const base = { name: r.name, ttl: r.ttl, class: 'IN' as const };
  switch (r.type) {
    case 'MX':
      return { ...base, type: 'MX', data: r.data as { preference: number; exchange: string } };
    case 'SOA':
      return { ...base, type: 'SOA', data: r.data as Extract<RecordData, { mname: string }> };
    case 'TXT':
      return { ...base, type: 'TXT', data: (r.data as string[]).map((s) => Buffer.from(s)) };
    default:
      return { ...base, type: r.type, data: r.data as string };
  }
}

const trim = (n: string) => (n.endsWith('.') ? n.slice(0, -1) : n);

/** Presentation text of a decoded answer's data (no trailing dots); unknown types as hex. */
export function dataText(type: string, data: unknown): string {
  switch (type) {
    case 'A':
      return String(data);
    case 'AAAA':
      return canonicalIPv6(String(data));
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return trim(String(data).toLowerCase());
    case 'MX': {
      const mx = data as { preference?: number; exchange: string };
      return `${mx.preference ?? 0} ${trim(mx.exchange.toLowerCase())}`;
    }
    case 'TXT': {
      const parts = Array.isArray(data) ? data : [data];
      return parts.map((p) => (Buffer.isBuffer(p) ? p.toString() : String(p))).join('');
    }
    case 'SOA': {
      const s = data as Record<string, unknown>;
      return [trim(String(s.mname)), trim(String(s.rname)), s.serial, s.refresh, s.retry, s.expire, s.minimum].join(' ');
    }
    case 'SRV': {
      const s = data as { priority?: number; weight?: number; port: number; target: string };
      return `${s.priority ?? 0} ${s.weight ?? 0} ${s.port} ${trim(s.target)}`;
    }
    default:
      return Buffer.isBuffer(data) ? data.toString('hex') : JSON.stringify(data);
  }
}

/** The JSON form of a decoded answer (OPT pseudo-records are left out by the callers). */
export function answerJson(a: Answer): RecordJson {
  const r = a as { name: string; type: string; ttl?: number; data?: unknown };
  return { name: trim(r.name.toLowerCase()), type: r.type, ttl: r.ttl ?? 0, data: dataText(r.type, r.data) };
}

/** The JSON form of a zone record. */
export function recordJson(r: ZoneRecord): RecordJson {
  return answerJson(toAnswer(r));
}
