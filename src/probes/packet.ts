import { createSocket } from 'node:dgram';

/** Internet checksum (RFC 1071) over the given buffers, as if concatenated (each of even length but the last). */
export function inetChecksum(...parts: Buffer[]): number {
  let sum = 0;
  for (const b of parts) {
    const even = b.length & ~1;
    for (let i = 0; i < even; i += 2) sum += (b[i] << 8) | b[i + 1];
    if (b.length & 1) sum += b[b.length - 1] << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4Bytes(addr: string): Buffer {
  return Buffer.from(addr.split('.').map(Number));
}

/** An IPv4 address as the unsigned 32-bit number `readUInt32BE` gives for its header bytes. */
export function ipv4Int(addr: string): number {
  return ipv4Bytes(addr).readUInt32BE(0);
}

/** TCP flag bits. */
export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/**
 * A TCP SYN segment (no IP header) like nmap's default probe: window 1024, one MSS=1460
 * option, checksum over the IPv4 pseudo-header of `src` → `dst`.
 */
export function tcpSyn(src: string, dst: string, sport: number, dport: number, seq: number): Buffer {
  const seg = Buffer.alloc(24);
  seg.writeUInt16BE(sport, 0);
  seg.writeUInt16BE(dport, 2);
  seg.writeUInt32BE(seq >>> 0, 4);
  seg.writeUInt32BE(0, 8);
  seg[12] = 6 << 4; // data offset: 6 words
  seg[13] = TCP.SYN;
  seg.writeUInt16BE(1024, 14);
  seg[20] = 2; // MSS option
  seg[21] = 4;
  seg.writeUInt16BE(1460, 22);
  const pseudo = Buffer.alloc(12);
  ipv4Bytes(src).copy(pseudo, 0);
  ipv4Bytes(dst).copy(pseudo, 4);
  pseudo[9] = 6;
  pseudo.writeUInt16BE(seg.length, 10);
  seg.writeUInt16BE(inetChecksum(pseudo, seg), 16);
  return seg;
}

/**
 * Builds many SYNs that differ only in destination port and sequence number, into one reused
 * buffer, with the checksum updated incrementally (same bytes as `tcpSyn`).
 */
export class SynFactory {
  private readonly seg: Buffer;
  private readonly baseSum: number;

  constructor(src: string, dst: string, sport: number) {
    this.seg = tcpSyn(src, dst, sport, 0, 0);
    this.seg.writeUInt16BE(0, 16);
    const pseudo = Buffer.alloc(12);
    ipv4Bytes(src).copy(pseudo, 0);
    ipv4Bytes(dst).copy(pseudo, 4);
    pseudo[9] = 6;
    pseudo.writeUInt16BE(this.seg.length, 10);
    this.baseSum = ~inetChecksum(pseudo, this.seg) & 0xffff;
  }

  /** The segment for `dport`/`seq`; valid until the next call. */
  build(dport: number, seq: number): Buffer {
    const seg = this.seg;
    seg.writeUInt16BE(dport, 2);
    seg.writeUInt32BE(seq >>> 0, 4);
    let sum = this.baseSum + dport + (seq >>> 16) + (seq & 0xffff);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    seg.writeUInt16BE(~sum & 0xffff, 16);
    return seg;
  }
}

/** An ICMP echo request with `payload` bytes of zeros after the 8-byte header. */
export function icmpEcho(id: number, seq: number, payload = 32): Buffer {
  const pkt = Buffer.alloc(8 + payload);
  pkt[0] = 8;
  pkt.writeUInt16BE(id & 0xffff, 4);
  pkt.writeUInt16BE(seq & 0xffff, 6);
  pkt.writeUInt16BE(inetChecksum(pkt), 2);
  return pkt;
}

export interface Ipv4 {
  src: string;
  dst: string;
  proto: number;
  ttl: number;
  /** Bytes after the IP header. */
  payload: Buffer;
}

/** Parses an IPv4 header (as raw IPv4 sockets deliver it); undefined when it is not IPv4. */
export function parseIpv4(b: Buffer): Ipv4 | undefined {
  if (b.length < 20 || b[0] >> 4 !== 4) return undefined;
  const ihl = (b[0] & 0x0f) * 4;
  if (ihl < 20 || b.length < ihl) return undefined;
  return {
    src: `${b[12]}.${b[13]}.${b[14]}.${b[15]}`,
    dst: `${b[16]}.${b[17]}.${b[18]}.${b[19]}`,
    proto: b[9],
    ttl: b[8],
    payload: b.subarray(ihl),
  };
}

export interface TcpHead {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
}

/** Reads the TCP header fields the scanner needs (8 bytes suffice for ports and seq). */
export function parseTcp(b: Buffer): TcpHead | undefined {
  if (b.length < 8) return undefined;
  return {
    sport: b.readUInt16BE(0),
    dport: b.readUInt16BE(2),
    seq: b.readUInt32BE(4),
    ack: b.length >= 12 ? b.readUInt32BE(8) : 0,
    flags: b.length >= 14 ? b[13] : 0,
  };
}

export interface IcmpMessage {
  type: number;
  code: number;
  /** Echo id/seq (types 0 and 8). */
  id: number;
  seq: number;
  /** The offending datagram quoted by an error (types 3, 11), when present. */
  quoted?: Ipv4;
}

/** Parses an ICMPv4 message (the payload of a protocol-1 IP datagram). */
export function parseIcmp(b: Buffer): IcmpMessage | undefined {
  if (b.length < 8) return undefined;
  const msg: IcmpMessage = { type: b[0], code: b[1], id: b.readUInt16BE(4), seq: b.readUInt16BE(6) };
  if (b[0] === 3 || b[0] === 11) msg.quoted = parseIpv4(b.subarray(8));
  return msg;
}

/** nmap's reason word for an ICMP destination-unreachable code. */
export function unreachReason(code: number): string {
  switch (code) {
    case 0:
      return 'net-unreach';
    case 1:
      return 'host-unreach';
    case 2:
      return 'proto-unreach';
    case 3:
      return 'port-unreach';
    case 9:
      return 'net-prohibited';
    case 10:
      return 'host-prohibited';
    case 13:
      return 'admin-prohibited';
    default:
      return `unreach-code-${code}`;
  }
}

/** nmap's reason word for an ICMPv6 destination-unreachable code. */
export function unreach6Reason(code: number): string {
  return ['no-route', 'admin-prohibited', 'beyond-scope', 'addr-unreach', 'port-unreach'][code] ?? `unreach-code-${code}`;
}

/**
 * The source address the kernel would use towards `target`: connects a UDP socket (which
 * sends nothing) and reads its local address.
 */
export function routeSource(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket(target.includes(':') ? 'udp6' : 'udp4');
    s.once('error', (e) => {
      s.close();
      reject(e);
    });
    s.connect(9, target, () => {
      const { address } = s.address();
      s.close();
      resolve(address);
    });
  });
}

/** Source and destination ports of a UDP header (first 4 bytes). */
export function parseUdpPorts(b: Buffer): { sport: number; dport: number } | undefined {
  return b.length < 4 ? undefined : { sport: b.readUInt16BE(0), dport: b.readUInt16BE(2) };
}
