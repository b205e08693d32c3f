/** ICMP (v4) decoding and tshark's Info text (packet-icmp.c rules). */

export interface IcmpLayer {
  version: 4 | 6;
  type: number;
  code: number;
  /** Echo/timestamp/… identifier and sequence (big-endian), when the type carries them. */
  id?: number;
  seq?: number;
  /** Next-hop MTU of "fragmentation needed" (type 3 code 4, RFC 1191) or ICMPv6 "packet too big". */
  mtu?: number;
  /** Info text without request/response references. */
  info: string;
  /** 'request' / 'reply' for echo-like messages that tshark pairs. */
  role?: 'request' | 'reply';
}

const TYPES: Record<number, string> = {
  0: 'Echo (ping) reply',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
  15: 'Information request',
  16: 'Information reply',
  17: 'Address mask request',
  18: 'Address mask reply',
};

const UNREACH = [
  'Network unreachable',
  'Host unreachable',
  'Protocol unreachable',
  'Port unreachable',
  'Fragmentation needed',
  'Source route failed',
  'Destination network unknown',
  'Destination host unknown',
  'Source host isolated',
  'Network administratively prohibited',
  'Host administratively prohibited',
  'Network unreachable for TOS',
  'Host unreachable for TOS',
  'Communication administratively filtered',
  'Host precedence violation',
  'Precedence cutoff in effect',
];
const TIMXCEED = ['Time to live exceeded in transit', 'Fragment reassembly time exceeded'];
const REDIRECT = ['Redirect for network', 'Redirect for host', 'Redirect for TOS and network', 'Redirect for TOS and host'];
const PARAMPROB = ['Pointer indicates the error', 'Required option missing', 'Bad length'];
const RTRADV: Record<number, string> = { 0: 'Normal router advertisement', 16: 'Does not route common traffic' };

function codeString(type: number, code: number): string | undefined {
  switch (type) {
    case 3:
      return UNREACH[code] ?? 'Unknown code';
    case 11:
      return TIMXCEED[code] ?? 'Unknown code';
    case 5:
      return REDIRECT[code] ?? 'Unknown code';
    case 12:
      return PARAMPROB[code] ?? 'Unknown code';
    case 9:
      return RTRADV[code] ?? 'Unknown code';
    default:
      return undefined;
  }
}

const PAIRED = new Set([0, 8, 13, 14, 15, 16, 17, 18]);

/** Decodes ICMP at `o` (IP payload ends at `end`); `ttl` is this packet's IP TTL. */
export function decodeIcmp(b: Uint8Array, o: number, end: number, ttl: number): IcmpLayer | undefined {
  if (o + 4 > end) return undefined;
  const type = b[o];
  const code = b[o + 1];
  const name = TYPES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
  let info = name.length < 20 ? name.padEnd(20) : name;
  const cs = codeString(type, code);
  if (cs !== undefined) info += ` (${cs})`;
  const layer: IcmpLayer = { version: 4, type, code, info };
  if (type === 3 && code === 4 && o + 8 <= end) layer.mtu = (b[o + 6] << 8) | b[o + 7];
  if (PAIRED.has(type) && o + 8 <= end) {
    const id = (b[o + 4] << 8) | b[o + 5];
    const seq = (b[o + 6] << 8) | b[o + 7];
    layer.id = id;
    layer.seq = seq;
    layer.info += ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}/${((seq & 0xff) << 8) | (seq >> 8)}, ttl=${ttl}`;
    layer.role = type === 8 || type === 13 || type === 15 || type === 17 ? 'request' : 'reply';
  }
  return layer;
}
