/** TCP header and option decoding (raw values; the summariser makes them relative). */

export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_PUSH = 0x08;
export const TH_ACK = 0x10;
export const TH_URG = 0x20;
export const TH_ECE = 0x40;
export const TH_CWR = 0x80;
export const TH_AE = 0x100;

/** One TCP option, in wire order. SACK blocks keep raw edges (made relative when printed). */
export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** 12 flag bits (FIN = bit 0 … AE = bit 8, reserved bits 9-11). */
  flags: number;
  /** Raw window field. */
  win: number;
  urg: number;
  hlen: number;
  /** Option bytes: [optStart, optEnd) in the frame (read with src/packets/tcp-options.ts). */
  optStart: number;
  optEnd: number;
  /** Payload offset and length in the frame. */
  payload: number;
  len: number;
  /** True if the header claims more than was captured / the IP payload holds. */
  bad: boolean;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Decodes the TCP header at `o`, with the IP payload ending at `end`. */
export function decodeTcp(b: Uint8Array, o: number, end: number, out?: TcpHeader): TcpHeader | undefined {
  if (o + 20 > b.length || o + 20 > end) return undefined;
  const hlen = (b[o + 12] >> 4) * 4;
  const flags = ((b[o + 12] & 0x0f) << 8) | b[o + 13];
  const hdrEnd = o + hlen;
  const bad = hlen < 20 || hdrEnd > end;
  const optEnd = Math.min(hdrEnd, end, b.length);
  const r: TcpHeader = out ?? ({} as TcpHeader);
  r.srcPort = (b[o] << 8) | b[o + 1];
  r.dstPort = (b[o + 2] << 8) | b[o + 3];
  r.seq = u32(b, o + 4);
  r.ack = u32(b, o + 8);
  r.flags = flags;
  r.win = (b[o + 14] << 8) | b[o + 15];
  r.urg = (b[o + 18] << 8) | b[o + 19];
  r.hlen = hlen;
  r.optStart = o + 20;
  r.optEnd = hlen > 20 ? optEnd : o + 20;
  r.payload = bad ? end : hdrEnd;
  r.len = bad ? 0 : end - hdrEnd;
  r.bad = bad;
  return r;
}

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const NAMES_CACHE = new Map<number, string[]>();

/** Flag names in Wireshark's order. The array is shared between packets: do not modify it. */
export function tcpFlagNames(flags: number): string[] {
  let out = NAMES_CACHE.get(flags);
  if (out === undefined) {
    out = [];
    for (let i = 0; i < 9; i++) if (flags & (1 << i)) out.push(FLAG_NAMES[i]);
    if (flags & 0xe00) out.push('Reserved');
    Object.freeze(out);
    NAMES_CACHE.set(flags, out);
  }
  return out;
}

const FLAG_STR_CACHE = new Map<number, string>();

/** "[SYN, ACK]" as in the Info column ("[<None>]" without flags). */
export function tcpFlagsBracket(flags: number): string {
  let s = FLAG_STR_CACHE.get(flags);
  if (s === undefined) {
    const names = tcpFlagNames(flags);
    s = '[' + (names.length ? names.join(', ') : '<None>') + ']';
    FLAG_STR_CACHE.set(flags, s);
  }
  return s;
}
