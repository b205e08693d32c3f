/** ICMPv6 decoding and tshark's Info text (packet-icmpv6.c rules, common types). */
import { ipv6At, macAt } from './addr.js';
import type { IcmpLayer } from './icmp.js';

const TYPES: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  143: 'Multicast Listener Report Message v2',
};

const CODES: Record<number, string[]> = {
  1: [
    'no route to destination',
    'Administratively prohibited',
    'Beyond scope of source address',
    'Address unreachable',
    'Port unreachable',
    'Source address failed ingress/egress policy',
    'Reject route to destination',
    'Error in Source Routing Header',
  ],
  3: ['hop limit exceeded in transit', 'fragment reassembly time exceeded'],
  4: ['erroneous header field encountered', 'unrecognized Next Header type encountered', 'unrecognized IPv6 option encountered'],
};

/** Finds a link-layer address option (1 source, 2 target) in NDP options from `p` to `end`. */
function lladdr(b: Uint8Array, p: number, end: number, want: number): string | undefined {
  while (p + 2 <= end) {
    const t = b[p];
    const len = b[p + 1] * 8;
    if (len === 0 || p + len > end) return undefined;
    if (t === want && len >= 8) return macAt(b, p + 2);
    p += len;
  }
  return undefined;
}

/** Decodes ICMPv6 at `o` (payload ends at `end`); `hlim` is this packet's hop limit. */
export function decodeIcmpv6(b: Uint8Array, o: number, end: number, hlim: number): IcmpLayer | undefined {
  if (o + 4 > end) return undefined;
  const type = b[o];
  const code = b[o + 1];
  let info = TYPES[type] ?? `Unknown ICMPv6 type (${type})`;
  const codes = CODES[type];
  if (codes) info += ` (${codes[code] ?? 'Unknown'})`;
  const layer: IcmpLayer = { version: 6, type, code, info };
  if (type === 2 && o + 8 <= end) layer.mtu = ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0;
  if ((type === 128 || type === 129) && o + 8 <= end) {
    const id = (b[o + 4] << 8) | b[o + 5];
    const seq = (b[o + 6] << 8) | b[o + 7];
    layer.id = id;
    layer.seq = seq;
    layer.role = type === 128 ? 'request' : 'reply';
    layer.info += ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}, hop limit=${hlim}`;
  } else if (type === 135 && o + 24 <= end) {
    layer.info += ` for ${ipv6At(b, o + 8)}`;
    const mac = lladdr(b, o + 24, end, 1);
    if (mac) layer.info += ` from ${mac}`;
  } else if (type === 136 && o + 24 <= end) {
    const f = b[o + 4];
    const fl: string[] = [];
    if (f & 0x80) fl.push('rtr');
    if (f & 0x40) fl.push('sol');
    if (f & 0x20) fl.push('ovr');
    layer.info += ` ${ipv6At(b, o + 8)}${fl.length ? ` (${fl.join(', ')})` : ''}`;
    const mac = lladdr(b, o + 24, end, 2);
    if (mac) layer.info += ` is at ${mac}`;
  } else if (type === 133) {
    const mac = lladdr(b, o + 8, end, 1);
    if (mac) layer.info += ` from ${mac}`;
  } else if (type === 134) {
    const mac = lladdr(b, o + 16, end, 1);
    if (mac) layer.info += ` from ${mac}`;
  }
  return layer;
}
