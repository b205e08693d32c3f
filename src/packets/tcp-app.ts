/**
 * Application protocols on TCP as tshark shows them in the packet list: HTTP (with the
 * "[TCP segment of a reassembled PDU]" marking of incomplete PDUs), DNS over TCP, ECHO.
 */
import type { DecodedPacket } from './types.js';
import type { TcpHeader } from './decode/tcp.js';
import type { TcpConversation } from './tcp-analysis.js';
import { HTTP_PORTS, looksLikeHttp, parseHttpStart } from './decode/http.js';
import { decodeDns } from './decode/dns.js';

export interface AppResult {
  protocol: string;
  info: string;
  dns?: DecodedPacket['dns'];
}

/** Per-direction state: bytes still missing from the current PDU, or bytes waiting for a line end. */
interface PduState {
  remaining: number;
  protocol: string;
  info: string;
  dns?: DecodedPacket['dns'];
  /** Data kept while HTTP waits for a complete line / header block. */
  buf?: Uint8Array;
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

function http(conv: TcpConversation, dir: number, h: TcpHeader, b: Uint8Array, tcpInfo: string, twoPass: boolean): AppResult {
  const cont = continuePdu(conv, dir, h, tcpInfo);
  if (cont) return cont;
  const prev = (conv.app[dir] as PduState | undefined)?.buf;
  let data = b.subarray(h.payload, h.payload + h.len);
  if (prev) {
    const joined = new Uint8Array(prev.length + data.length);
    joined.set(prev, 0);
    joined.set(data, prev.length);
    data = joined;
  }
  const keep = (): void => {
    conv.app[dir] = data.length <= MAX_BUF ? { remaining: 0, protocol: 'HTTP', info: '', buf: data.slice() } : undefined;
  };
  let crlf = -1;
  for (let i = 0; i + 1 < data.length; i++) {
    if (data[i] === 13 && data[i + 1] === 10) {
      crlf = i;
      break;
    }
  }
  if (crlf < 0) {
    keep();
    return { protocol: 'TCP', info: tcpInfo + SEGMENT };
  }
  conv.app[dir] = undefined;
  if (!looksLikeHttp(data, 0, data.length)) return { protocol: 'HTTP', info: 'Continuation' };
  const start = parseHttpStart(data, 0, data.length);
  const head = start.firstLine + ' ';
  const done = head + (start.mediaType ? ` (${start.mediaType})` : '');
  if (start.total < 0) {
    keep();
  } else if (start.total > data.length) {
    conv.app[dir] = { remaining: start.total - data.length, protocol: 'HTTP', info: done };
  } else {
    return { protocol: 'HTTP', info: done };
  }
  // Single pass keeps the HTTP first line that was already in the column; the second pass
  // of tshark -2 knows the PDU is reassembled later and shows the plain TCP line.
  return { protocol: 'TCP', info: (twoPass ? tcpInfo : head) + SEGMENT };
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
  conv: TcpConversation, dir: number, h: TcpHeader, b: Uint8Array, tcpInfo: string, twoPass = false,
): AppResult | undefined {
  const sp = h.srcPort;
  const dp = h.dstPort;
  if (sp === 53 || dp === 53) return dnsTcp(conv, dir, h, b, tcpInfo);
  if (HTTP_PORTS.has(sp) || HTTP_PORTS.has(dp)) return http(conv, dir, h, b, tcpInfo, twoPass);
  if (sp === 7 || dp === 7) return { protocol: 'ECHO', info: dp === 7 ? 'Request' : 'Response' };
  return undefined;
}
