/**
 * Hand-built DecodedPackets for pattern tests: TCP segments with Wireshark-style Info, UDP/DNS,
 * ICMP. Frame numbers are assigned in order by `numbered`.
 */
import type { DecodedPacket, TcpFields } from '../../src/packets/types.js';

export const C = '198.51.100.55';
export const S = '203.0.113.10';
export const R = '198.51.100.1';
export const hosts = { hosts: { client: [C], server: [S], router1: [R], dns: ['203.0.113.53'] } };

function base(src: string, dst: string, protocol: string, info: string): DecodedPacket {
  return {
    no: 0,
    time: 0,
    source: src,
    destination: dst,
    protocol,
    length: 60,
    info,
    timestamp: 0,
    caplen: 60,
    ip: { version: 4, src, dst, ttl: 64, proto: 6, len: 40 },
  };
}

export interface TcpOpts {
  seq?: number;
  ack?: number;
  data?: string;
  win?: number;
  options?: string[];
  analysis?: string[];
  sport?: number;
  dport?: number;
}

/** A TCP segment; `dir` '>' is client→server (55182 → 50007), '<' the reverse. */
export function tcp(dir: '>' | '<', flags: string[], o: TcpOpts = {}): DecodedPacket {
  const [src, dst, sp, dp] = dir === '>' ? [C, S, o.sport ?? 55182, o.dport ?? 50007] : [S, C, o.sport ?? 50007, o.dport ?? 55182];
  const payload = new TextEncoder().encode(o.data ?? '');
  const t: TcpFields = {
    srcPort: sp,
    dstPort: dp,
    flags,
    seq: o.seq ?? 0,
    ack: o.ack ?? 0,
    rawSeq: 1000,
    rawAck: 2000,
    win: o.win ?? 64240,
    len: payload.length,
    options: o.options ?? [],
    analysis: o.analysis ?? [],
  };
  const pre = t.analysis.map((a) => `[${a}] `).join('');
  const info = `${pre}${sp} → ${dp} [${flags.join(', ')}] Seq=${t.seq}${flags.includes('ACK') ? ` Ack=${t.ack}` : ''} Win=${t.win} Len=${t.len}${t.options.length ? ' ' + t.options.join(' ') : ''}`;
  return { ...base(src, dst, 'TCP', info), tcp: t, payload };
}

export function dnsQuery(name: string, type: string, response = false, answers: string[] = []): DecodedPacket {
  const [src, dst] = response ? ['203.0.113.53', C] : [C, '203.0.113.53'];
  const info = `Standard query${response ? ' response' : ''} 0x1a2b ${type} ${name}${answers.map((a) => ` ${type} ${a}`).join('')}`;
  return {
    ...base(src, dst, 'DNS', info),
    udp: { srcPort: response ? 53 : 40000, dstPort: response ? 40000 : 53, len: 40 },
    dns: { id: 0x1a2b, response, rcode: 0, questions: [{ name, type }], answers: answers.map((data) => ({ name, type, data })) },
  };
}

export function icmp(src: string, dst: string, type: number, code: number, info: string): DecodedPacket {
  return { ...base(src, dst, 'ICMP', info), icmp: { version: 4, type, code } };
}

/** Numbers frames 1… and gives them increasing times. */
export function numbered(list: DecodedPacket[]): DecodedPacket[] {
  return list.map((p, i) => ({ ...p, no: i + 1, time: i * 0.01, timestamp: 1_700_000_000 + i * 0.01 }));
}

/** The seed lab's echo session: handshake, banner, two echoed lines, teardown. */
export function echoSession(): DecodedPacket[] {
  return numbered([
    tcp('>', ['SYN'], { options: ['MSS=1460', 'SACK_PERM', 'WS=128'] }),
    tcp('<', ['SYN', 'ACK'], { ack: 1, options: ['MSS=1452', 'SACK_PERM', 'WS=128'] }),
    tcp('>', ['ACK'], { seq: 1, ack: 1 }),
    tcp('<', ['PSH', 'ACK'], { seq: 1, ack: 1, data: 'Welcome to COMPENG 4DN4 Echo!\r\n' }),
    tcp('>', ['ACK'], { seq: 1, ack: 33 }),
    tcp('>', ['PSH', 'ACK'], { seq: 1, ack: 33, data: 'Raed Hassan\r\n' }),
    tcp('<', ['ACK'], { seq: 33, ack: 14 }),
    tcp('<', ['PSH', 'ACK'], { seq: 33, ack: 14, data: 'Raed Hassan\r\n' }),
    tcp('>', ['ACK'], { seq: 14, ack: 46 }),
    tcp('>', ['FIN', 'ACK'], { seq: 14, ack: 46 }),
    tcp('<', ['FIN', 'ACK'], { seq: 46, ack: 15 }),
    tcp('>', ['ACK'], { seq: 15, ack: 47 }),
  ]);
}
