/** UDP header decoding. */

export interface UdpHeader {
  srcPort: number;
  dstPort: number;
  /** Length field of the header. */
  len: number;
  payload: number;
  /** Payload end (clipped to the captured bytes / IP payload). */
  end: number;
}

export function decodeUdp(b: Uint8Array, o: number, end: number): UdpHeader | undefined {
  if (o + 8 > b.length || o + 8 > end) return undefined;
  const len = (b[o + 4] << 8) | b[o + 5];
  let pend = o + len;
  if (len < 8 || pend > end) pend = end;
  return { srcPort: (b[o] << 8) | b[o + 1], dstPort: (b[o + 2] << 8) | b[o + 3], len, payload: o + 8, end: pend };
}
