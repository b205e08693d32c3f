/**
 * Application protocols on TCP as tshark shows them in the packet list: HTTP (with the
 * "[TCP segment of a reassembled PDU]" marking of incomplete PDUs), DNS over TCP, ECHO.
 */
import type { DecodedPacket } from '../types.js';
import type { TcpHeader } from '../decode/tcp.js';
import type { TcpConversation } from './tcp-analysis.js';
import { HTTP_PORTS, looksLikeHttp, parseHttpStart } from '../decode/http.js';
import { decodeDns } from '../decode/dns.js';

export interface AppResult {
  protocol: string;
  info: string;
  dns?: DecodedPacket['dns'];
}

/**
 * HTTP bytes kept while waiting for a complete first line / header block, in a buffer that
 * grows by doubling, with how far it was already searched: each segment appends and is
 * searched once, so a long flow without CRLF costs linear time, not quadratic.
 */
interface HttpWait {
  buf: Uint8Array;
  len: number;
  /** Offset of the first CRLF, or -1 if none yet. */
  crlf: number;
  /** Bytes before this offset were searched (for the CRLF, then for the blank line). */
  scanned: number;
  /** The request/status line, once its CRLF was seen. */
  firstLine?: string;
}

/** Per-direction state: bytes still missing from the current PDU, or bytes waiting for a line end. */
interface PduState {
  remaining: number;
  protocol: string;
  info: string;
  dns?: DecodedPacket['dns'];
  /** Data kept while HTTP waits for a complete line / header block. */
  wait?: HttpWait;
}

/** 1 for every TCP port that has an application dissector here (fast pre-check). */
export const APP_PORTS = new Uint8Array(65536);
for (const port of [...HTTP_PORTS, 53, 7]) APP_PORTS[port] = 1;

const SEGMENT = ' [TCP segment of a reassembled PDU]';
const MAX_BUF = 1 << 20;

function continuePdu(conv: TcpConversation, dir: number, h: TcpHeader, tcpInfo: string): AppResult | undefined {
  const st = conv.app[dir] as PduState | undefined;
  if (!st || st.remaining <= 0) return undefined;
  st.remaining -= h.len;
  if (st.remaining > 0) return { protocol: 'TCP', info: tcpInfo + SEGMENT };
  conv.app[dir] = undefined;
  return { protocol: st.protocol, info: st.info, dns: st.dns };
}

function append(w: HttpWait | undefined, data: Uint8Array): HttpWait {
  if (!w) return { buf: data.slice(), len: data.length, crlf: -1, scanned: 0 };
  if (w.len + data.length > w.buf.length) {
    const grown = new Uint8Array(Math.max(w.len + data.length, w.buf.length * 2));
    grown.set(w.buf.subarray(0, w.len), 0);
    w.buf = grown;
  }
  w.buf.set(data, w.len);
  w.len += data.length;
  return w;
}

/** First offset >= from of `pat` (2 or 4 bytes of CRLF / CRLFCRLF) in b[0, len), or -1. */
function findCrlf(b: Uint8Array, from: number, len: number, double: boolean): number {
  const need = double ? 4 : 2;
  for (let i = Math.max(0, from); i + need <= len; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && (!double || (b[i + 2] === 13 && b[i + 3] === 10))) return i;
  }
  return -1;
}

function http(conv: TcpConversation, dir: number, h: TcpHeader, b: Uint8Array, tcpInfo: string, twoPass: boolean): AppResult {
  const cont = continuePdu(conv, dir, h, tcpInfo);
  if (cont) return cont;
  const prev = (conv.app[dir] as PduState | undefined)?.wait;
  const seg = b.subarray(h.payload, h.payload + h.len);
  // Without kept bytes, work on the segment itself and copy only what must be kept.
  let w: HttpWait | undefined = prev ? append(prev, seg) : undefined;
  const data = w ? w.buf : seg;
  const len = w ? w.len : seg.length;
  const keep = (crlf: number, scanned: number): void => {
    w ??= append(undefined, seg);
    w.crlf = crlf;
    w.scanned = scanned;
    conv.app[dir] = w.len <= MAX_BUF ? { remaining: 0, protocol: 'HTTP', info: '', wait: w } : undefined;
  };
  let crlf = prev && prev.crlf >= 0 ? prev.crlf : findCrlf(data, (prev?.scanned ?? 0) - 1, len, false);
  if (crlf < 0) {
    keep(-1, len);
    return { protocol: 'TCP', info: tcpInfo + SEGMENT };
  }
  conv.app[dir] = undefined;
  if (!looksLikeHttp(data, 0, len)) return { protocol: 'HTTP', info: 'Continuation' };
  // The blank line ending the headers: searched only in bytes not searched before.
  const from = prev && prev.crlf >= 0 ? prev.scanned - 3 : crlf;
  if (findCrlf(data, from, len, true) < 0) {
    keep(crlf, len);
    crlf = -1;
  }
  const start =
    crlf < 0 ? { firstLine: (w!.firstLine ??= latin1(data, 0, w!.crlf)), total: -1, mediaType: undefined } : parseHttpStart(data, 0, len);
  const head = start.firstLine + ' ';
  const done = head + (start.mediaType ? ` (${start.mediaType})` : '');
  if (start.total < 0) {
    // kept above
  } else if (start.total > len) {
    conv.app[dir] = { remaining: start.total - len, protocol: 'HTTP', info: done };
  } else {
    return { protocol: 'HTTP', info: done };
  }
  // Single pass keeps the HTTP first line that was already in the column; the second pass
  // of tshark -2 knows the PDU is reassembled later and shows the plain TCP line.
  return { protocol: 'TCP', info: (twoPass ? tcpInfo : head) + SEGMENT };
}

function latin1(b: Uint8Array, from: number, to: number): string {
  return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');
}

function dnsTcp(conv: TcpConversation, dir: number, h: TcpHeader, b: Uint8Array, tcpInfo: string): AppResult | undefined {
  const cont = continuePdu(conv, dir, h, tcpInfo);
  if (cont) return cont;
  if (h.len < 2) return { protocol: 'TCP', info: tcpInfo + SEGMENT };
  const mlen = (b[h.payload] << 8) | b[h.payload + 1];
  if (2 + mlen > h.len) {
    // The rest of the message arrives later; name it when it is complete (what we have now).
    const dns = decodeDns(b, h.payload + 2, h.payload + h.len);
    conv.app[dir] = { remaining: 2 + mlen - h.len, protocol: 'DNS', info: dns ? dns.info : 'DNS' };
    return { protocol: 'TCP', info: tcpInfo + SEGMENT };
  }
  const dns = decodeDns(b, h.payload + 2, h.payload + 2 + mlen);
  if (!dns) return undefined;
  return {
    protocol: 'DNS',
    info: dns.info,
    dns: { id: dns.id, response: dns.response, rcode: dns.rcode, questions: dns.questions, answers: dns.answers },
  };
}

/** Protocol/Info for a TCP segment with payload, or undefined to keep the TCP line. */
export function appLayer(
  conv: TcpConversation,
  dir: number,
  h: TcpHeader,
  b: Uint8Array,
  tcpInfo: string,
  twoPass = false,
): AppResult | undefined {
  const sp = h.srcPort;
  const dp = h.dstPort;
  if (sp === 53 || dp === 53) return dnsTcp(conv, dir, h, b, tcpInfo);
  if (HTTP_PORTS.has(sp) || HTTP_PORTS.has(dp)) return http(conv, dir, h, b, tcpInfo, twoPass);
  if (sp === 7 || dp === 7) return { protocol: 'ECHO', info: dp === 7 ? 'Request' : 'Response' };
  return undefined;
}
