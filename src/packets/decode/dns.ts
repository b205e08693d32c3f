/** DNS message decoding (own byte-level parser) and tshark's DNS Info text (packet-dns.c rules). */
import { ipv4At, ipv6At } from './addr.js';

export interface DnsLayer {
  id: number;
  response: boolean;
  opcode: number;
  rcode: number;
  questions: { name: string; type: string }[];
  answers: { name: string; type: string; data: string }[];
  info: string;
}

const TYPE_NAMES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  13: 'HINFO',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  35: 'NAPTR',
  39: 'DNAME',
  41: 'OPT',
  43: 'DS',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  50: 'NSEC3',
  64: 'SVCB',
  65: 'HTTPS',
  99: 'SPF',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
  257: 'CAA',
};
const OPCODES: Record<number, string> = {
  0: 'Standard query',
  1: 'Inverse query',
  2: 'Server status request',
  4: 'Zone change notification',
  5: 'Dynamic update',
};
const RCODES: Record<number, string> = {
  1: 'Format error',
  2: 'Server failure',
  3: 'No such name',
  4: 'Not implemented',
  5: 'Refused',
  6: 'Name exists',
  7: 'RRset exists',
  8: 'RRset does not exist',
  9: 'Not authoritative',
  10: 'Name out of zone',
};

export function dnsTypeName(t: number): string {
  return TYPE_NAMES[t] ?? `Unknown (${t})`;
}

class Bad extends Error {}

/** Reads a (possibly compressed) name at `p` of the message `m` (length `n`); returns [name, next]. */
function readName(m: Uint8Array, p: number, n: number): [string, number] {
  let name = '';
  let next = -1;
  for (let hops = 0; hops < 128; hops++) {
    if (p >= n) throw new Bad();
    const l = m[p];
    if (l === 0) {
      if (next < 0) next = p + 1;
      return [name === '' ? '<Root>' : name, next];
    }
    if ((l & 0xc0) === 0xc0) {
      if (p + 1 >= n) throw new Bad();
      if (next < 0) next = p + 2;
      p = ((l & 0x3f) << 8) | m[p + 1];
      continue;
    }
    if (l & 0xc0 || p + 1 + l > n) throw new Bad();
    let label = '';
    for (let i = p + 1; i <= p + l; i++) {
      const c = m[i];
      label += c > 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString().padStart(3, '0')}`;
    }
    name = name === '' ? label : name + '.' + label;
    p += l + 1;
  }
  throw new Bad();
}

function rdataSummary(m: Uint8Array, type: number, p: number, rdlen: number, n: number): string | undefined {
  switch (type) {
    case 1:
      return rdlen === 4 ? ipv4At(m, p) : undefined;
    case 28:
      return rdlen === 16 ? ipv6At(m, p) : undefined;
    case 2:
    case 5:
    case 12:
    case 39:
      return readName(m, p, n)[0];
    case 6:
      return readName(m, p, n)[0];
    case 15:
      return `${(m[p] << 8) | m[p + 1]} ${readName(m, p + 2, n)[0]}`;
    case 33:
      return `${(m[p] << 8) | m[p + 1]} ${(m[p + 2] << 8) | m[p + 3]} ${(m[p + 4] << 8) | m[p + 5]} ${readName(m, p + 6, n)[0]}`;
    default:
      return undefined;
  }
}

/** Decodes a DNS message in `b[o, end)`; undefined if even the header is missing. */
export function decodeDns(b: Uint8Array, o: number, end: number): DnsLayer | undefined {
  if (o + 12 > end) return undefined;
  const m = b.subarray(o, end);
  const n = m.length;
  const id = (m[0] << 8) | m[1];
  const flags = (m[2] << 8) | m[3];
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const qd = (m[4] << 8) | m[5];
  const counts = [(m[6] << 8) | m[7], (m[8] << 8) | m[9], (m[10] << 8) | m[11]];
  let info = `${OPCODES[opcode] ?? `Unknown operation (${opcode})`}${response ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
  if (response && rcode !== 0) info += ` ${RCODES[rcode] ?? `Unknown error (${rcode})`}`;
  const layer: DnsLayer = { id, response, opcode, rcode, questions: [], answers: [], info };
  let p = 12;
  try {
    for (let i = 0; i < qd; i++) {
      const [name, next] = readName(m, p, n);
      if (next + 4 > n) throw new Bad();
      const type = dnsTypeName((m[next] << 8) | m[next + 1]);
      layer.questions.push({ name, type });
      layer.info += ` ${type} ${name}`;
      p = next + 4;
    }
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s]; i++) {
        const [name, next] = readName(m, p, n);
        if (next + 10 > n) throw new Bad();
        const t = (m[next] << 8) | m[next + 1];
        const rdlen = (m[next + 8] << 8) | m[next + 9];
        const rd = next + 10;
        if (rd + rdlen > n) throw new Bad();
        const type = dnsTypeName(t);
        const data = t === 41 ? undefined : rdataSummary(m, t, rd, rdlen, n);
        layer.info += data === undefined ? ` ${type}` : ` ${type} ${data}`;
        if (s === 0) layer.answers.push({ name, type, data: data ?? '' });
        p = rd + rdlen;
      }
    }
  } catch (err) {
    if (!(err instanceof Bad)) throw err;
  }
  return layer;
}
