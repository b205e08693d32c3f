/** IPv6 header decoding, walking extension headers to reach the transport header. */
import { ipv6At } from './addr.js';
import type { IpLayer } from './ipv4.js';

const HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AH = 51;
const DSTOPTS = 60;

/** Decodes the IPv6 header at `o`; undefined if it is too short to hold one. */
export function decodeIpv6(b: Uint8Array, o: number, out?: IpLayer): IpLayer | undefined {
  if (o + 40 > b.length || b[o] >> 4 !== 6) return undefined;
  const plen = (b[o + 4] << 8) | b[o + 5];
  let end = o + 40 + plen;
  if (end > b.length || plen === 0) end = b.length;
  let next = b[o + 6];
  let p = o + 40;
  let fragOffset = 0;
  let more = false;
  let id = 0;
  for (let guard = 0; guard < 16; guard++) {
    if (next === HOP || next === ROUTING || next === DSTOPTS) {
      if (p + 8 > end) break;
      const n = b[p];
      p += (b[p + 1] + 1) * 8;
      next = n;
    } else if (next === FRAGMENT) {
      if (p + 8 > end) break;
      const n = b[p];
      const f = (b[p + 2] << 8) | b[p + 3];
      fragOffset = f & 0xfff8;
      more = (f & 1) !== 0;
      id = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
      p += 8;
      next = n;
      if (fragOffset !== 0) break;
    } else if (next === AH) {
      if (p + 8 > end) break;
      const n = b[p];
      p += (b[p + 1] + 2) * 4;
      next = n;
    } else break;
  }
  if (p > end) p = end;
  const r: IpLayer = out ?? ({} as IpLayer);
  r.version = 6;
  r.src = ipv6At(b, o + 8);
  r.dst = ipv6At(b, o + 24);
  r.ttl = b[o + 7];
  r.proto = next;
  r.len = plen + 40;
  r.l4 = p;
  r.end = end;
  r.id = id;
  r.fragOffset = fragOffset;
  r.moreFragments = more;
  r.srcNum = 0;
  r.dstNum = 0;
  return r;
}
