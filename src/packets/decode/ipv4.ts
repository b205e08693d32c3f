/** IPv4 header decoding. */
import { ipv4At } from './addr.js';

export interface IpLayer {
  version: 4 | 6;
  src: string;
  dst: string;
  /** TTL / hop limit. */
  ttl: number;
  /** Transport protocol number (after IPv6 extension headers). */
  proto: number;
  /** IPv4 total length / IPv6 payload length + 40, as in the header. */
  len: number;
  /** Offset of the transport header in the frame and the end of the IP payload (clipped to caplen). */
  l4: number;
  end: number;
  /** IPv4 identification (0 for IPv6 without a fragment header). */
  id: number;
  /** IPv4 addresses as int32 (for fast ordering); 0 for IPv6. */
  srcNum: number;
  dstNum: number;
  /** Fragment offset in bytes and more-fragments flag. */
  fragOffset: number;
  moreFragments: boolean;
}

/** Decodes the IPv4 header at `o`; undefined if it is too short to hold one. */
export function decodeIpv4(b: Uint8Array, o: number, out?: IpLayer): IpLayer | undefined {
  if (o + 20 > b.length || b[o] >> 4 !== 4) return undefined;
  const ihl = (b[o] & 0x0f) * 4;
  if (ihl < 20 || o + ihl > b.length) return undefined;
  const total = (b[o + 2] << 8) | b[o + 3];
  const frag = (b[o + 6] << 8) | b[o + 7];
  let end = o + total;
  if (total < ihl || end > b.length) end = b.length;
  const r: IpLayer = out ?? ({} as IpLayer);
  r.version = 4;
  r.src = ipv4At(b, o + 12);
  r.dst = ipv4At(b, o + 16);
  r.ttl = b[o + 8];
  r.proto = b[o + 9];
  r.len = total;
  r.l4 = o + ihl;
  r.end = end;
  r.id = (b[o + 4] << 8) | b[o + 5];
  r.fragOffset = (frag & 0x1fff) * 8;
  r.moreFragments = (frag & 0x2000) !== 0;
  r.srcNum = (b[o + 12] << 24) | (b[o + 13] << 16) | (b[o + 14] << 8) | b[o + 15];
  r.dstNum = (b[o + 16] << 24) | (b[o + 17] << 16) | (b[o + 18] << 8) | b[o + 19];
  return r;
}
