/**
 * Does one decoded packet satisfy one pattern line? Also: which packets an `ignore:` option lets
 * appear without an item (pure ACKs, retransmissions, duplicate ACKs).
 */
import { UsageError } from '../../errors.js';
import type { DecodedPacket } from '../types.js';
import type { Condition, Endpoint, IgnoreKind, PacketSpec, PatternContext } from './types.js';

interface Addr {
  addr: string;
  port?: number;
}

/** Parses "1.2.3.4", "1.2.3.4:80", "::1", "[::1]:80" host entries. */
function hostEntry(entry: string): Addr {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (v6) return { addr: v6[1].toLowerCase(), ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  const v4 = /^([\d.]+):(\d+)$/.exec(entry);
  if (v4) return { addr: v4[1], port: Number(v4[2]) };
  return { addr: entry.toLowerCase() };
}

/** Compiles endpoint checks once per match run (host names resolved through the context). */
export class EndpointResolver {
  private cache = new Map<string, Addr[]>();
  constructor(private readonly ctx: PatternContext) {}

  private addrs(host: string): Addr[] {
    let a = this.cache.get(host);
    if (!a) {
      const entries = this.ctx.hosts[host];
      if (!entries)
        throw new UsageError(
          `packet pattern: unknown host "${host}" (known: ${Object.keys(this.ctx.hosts).join(', ') || 'none'})`,
          'pattern-host',
        );
      a = entries.map(hostEntry);
      this.cache.set(host, a);
    }
    return a;
  }

  /** Checks every host name of a spec now, so an unknown one fails before matching. */
  check(spec: PacketSpec | undefined): void {
    for (const e of [spec?.src, spec?.dst]) if (e?.host) this.addrs(e.host);
  }

  matches(e: Endpoint | undefined, addr: string | undefined, port: number | undefined): boolean {
    if (!e) return true;
    if (e.port !== undefined && e.port !== port) return false;
    if (e.addr !== undefined) return addr === e.addr;
    if (e.host === undefined) return true;
    if (addr === undefined) return false;
    return this.addrs(e.host).some((a) => a.addr === addr && (a.port === undefined || a.port === port));
  }
}

const cmp = (op: string, a: number, b: number): boolean =>
  op === '=' ? a === b : op === '!=' ? a !== b : op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;

function optionValue(p: DecodedPacket, name: string): number | undefined {
  const o = p.tcp?.options.find((x) => x.startsWith(`${name}=`));
  return o === undefined ? undefined : Number(o.slice(name.length + 1));
}

/** The value a numeric pattern field (`len`, `seq`, `mss` …) has in a packet, if it has one. */
export function numField(p: DecodedPacket, key: string): number | undefined {
  switch (key) {
    case 'len':
      return p.tcp ? p.tcp.len : p.udp ? p.udp.len - 8 : p.payload?.length;
    case 'seq':
      return p.tcp?.seq ?? p.icmp?.seq;
    case 'ack':
      return p.tcp?.ack;
    case 'win':
      return p.tcp?.win;
    case 'mss':
      return optionValue(p, 'MSS');
    case 'ws':
      return optionValue(p, 'WS');
    case 'ttl':
      return p.ip?.ttl;
    case 'type':
      return p.icmp?.type;
    case 'code':
      return p.icmp?.code;
    case 'id':
      return p.icmp?.id ?? p.dns?.id;
    case 'rcode':
      return p.dns?.rcode;
    case 'mtu':
      return p.icmp?.mtu;
    default:
      return undefined;
  }
}

/** Text to compare as bytes: UTF-8 encoded, one char per byte (like the payload view). */
const asBytes = (t: string): string => Buffer.from(t, 'utf8').toString('latin1');

function condition(p: DecodedPacket, c: Condition): boolean {
  if (!('value' in c)) {
    const hay = c.key === 'info' ? p.info : Buffer.from(p.payload ?? new Uint8Array()).toString('latin1');
    let hit: boolean;
    if (c.regex) hit = c.regex.test(hay);
    else {
      const needle = c.key === 'data' ? asBytes(c.text!) : c.text!;
      hit = c.op === '==' ? hay === needle : hay.includes(needle);
    }
    return c.op === '!=' ? !hit : hit;
  }
  const v = numField(p, c.key);
  return v !== undefined && cmp(c.op, v, c.value);
}

function protocol(p: DecodedPacket, proto: string): boolean {
  switch (proto) {
    case 'tcp':
      return !!p.tcp;
    case 'udp':
      return !!p.udp;
    case 'icmp':
      return p.icmp?.version === 4;
    case 'icmpv6':
      return p.icmp?.version === 6;
    case 'dns':
      return !!p.dns;
    case 'arp':
      return !!p.arp;
    default:
      return p.protocol.toLowerCase() === proto;
  }
}

function dnsOk(p: DecodedPacket, d: NonNullable<PacketSpec['dns']>): boolean {
  const m = p.dns!;
  if (d.response !== undefined && m.response !== d.response) return false;
  const q = m.questions[0];
  if (d.type && q?.type !== d.type) return false;
  if (d.name && q?.name.replace(/\.$/, '').toLowerCase() !== d.name) return false;
  return d.answers.every((a) => m.answers.some((x) => x.data.toLowerCase() === a));
}

function direction(p: DecodedPacket, s: PacketSpec, r: EndpointResolver, swap: boolean): boolean {
  const src = p.ip?.src ?? p.arp?.senderIp;
  const dst = p.ip?.dst ?? p.arp?.targetIp;
  const sp = p.tcp?.srcPort ?? p.udp?.srcPort;
  const dp = p.tcp?.dstPort ?? p.udp?.dstPort;
  const [a, b] = swap ? [s.dst, s.src] : [s.src, s.dst];
  return r.matches(a, src, sp) && r.matches(b, dst, dp);
}

/** True when packet `p` satisfies `spec`. */
export function packetMatches(p: DecodedPacket, s: PacketSpec, r: EndpointResolver): boolean {
  if (s.proto && !protocol(p, s.proto)) return false;
  if (s.src || s.dst) {
    if (!direction(p, s, r, false) && !(s.either && direction(p, s, r, true))) return false;
  }
  if (s.flags) {
    const f = p.tcp?.flags;
    if (!f) return false;
    if (!s.flags.names.every((n) => f.includes(n))) return false;
    if (!s.flags.atLeast && f.length !== s.flags.names.length) return false;
  }
  if (s.dns && !(p.dns && dnsOk(p, s.dns))) return false;
  if (s.icmp && !(p.icmp && p.icmp.type === s.icmp.type && (!s.icmp.codes || s.icmp.codes.includes(p.icmp.code)))) return false;
  return s.conds.every((c) => condition(p, c));
}

/** The ignore kind a packet falls under, if any of `kinds` applies to it. */
export function ignorable(p: DecodedPacket, kinds: readonly IgnoreKind[]): IgnoreKind | undefined {
  const t = p.tcp;
  if (!t || kinds.length === 0) return undefined;
  if (kinds.includes('retransmissions') && t.analysis.some((a) => /Retransmission/.test(a))) return 'retransmissions';
  if (kinds.includes('dup-acks') && t.analysis.some((a) => a.startsWith('TCP Dup ACK'))) return 'dup-acks';
  if (kinds.includes('pure-acks') && t.len === 0 && t.flags.length === 1 && t.flags[0] === 'ACK') return 'pure-acks';
  return undefined;
}
