/**
 * Test helper: builds frames and capture files byte by byte (Ethernet/IPv4/IPv6, TCP, UDP,
 * ICMP, ARP; pcap in both byte orders and µs/ns, pcapng with several interfaces).
 */

export interface SynthFrame {
  /** Seconds since the epoch (float) or exact [sec, nsec]. */
  ts: number | [number, number];
  data: Uint8Array;
  /** pcapng interface index (default 0). */
  iface?: number;
}

function sum16(b: Uint8Array, from: number, to: number, init = 0): number {
  let s = init;
  for (let i = from; i + 1 < to; i += 2) s += (b[i] << 8) | b[i + 1];
  if ((to - from) & 1) s += b[to - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function ip4(s: string): number[] {
  return s.split('.').map(Number);
}

export function ether(type: number, payload: Uint8Array, src = [2, 0, 0, 0, 0, 1], dst = [2, 0, 0, 0, 0, 2]): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = type >> 8;
  f[13] = type & 0xff;
  f.set(payload, 14);
  return f;
}

export function ipv4(src: string, dst: string, proto: number, l4: Uint8Array, ttl = 64, id = 1): Uint8Array {
  const p = new Uint8Array(20 + l4.length);
  p[0] = 0x45;
  p[2] = p.length >> 8;
  p[3] = p.length & 0xff;
  p[4] = id >> 8;
  p[5] = id & 0xff;
  p[6] = 0x40;
  p[8] = ttl;
  p[9] = proto;
  p.set(ip4(src), 12);
  p.set(ip4(dst), 16);
  const c = ~sum16(p, 0, 20) & 0xffff;
  p[10] = c >> 8;
  p[11] = c & 0xff;
  p.set(l4, 20);
  // transport checksum over the pseudo header
  const pseudo = sum16(p, 12, 20, proto + l4.length);
  const off = proto === 6 ? 16 : proto === 17 ? 6 : proto === 1 ? 2 : -1;
  if (off >= 0) {
    const c2 = ~sum16(l4, 0, l4.length, proto === 1 ? 0 : pseudo) & 0xffff;
    p[20 + off] = c2 >> 8;
    p[21 + off] = c2 & 0xff;
  }
  return p;
}

export interface TcpSpec {
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  /** Flag bits (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32 …). */
  flags: number;
  win: number;
  options?: number[];
  payload?: Uint8Array | string;
  urg?: number;
}

export function tcp(s: TcpSpec): Uint8Array {
  const opts = s.options ?? [];
  const olen = (opts.length + 3) & ~3;
  const pl = typeof s.payload === 'string' ? new TextEncoder().encode(s.payload) : (s.payload ?? new Uint8Array(0));
  const t = new Uint8Array(20 + olen + pl.length);
  const dv = new DataView(t.buffer);
  dv.setUint16(0, s.sport);
  dv.setUint16(2, s.dport);
  dv.setUint32(4, s.seq >>> 0);
  dv.setUint32(8, (s.ack ?? 0) >>> 0);
  t[12] = (((20 + olen) / 4) << 4) | ((s.flags >> 8) & 0x0f);
  t[13] = s.flags & 0xff;
  dv.setUint16(14, s.win);
  dv.setUint16(18, s.urg ?? 0);
  t.set(opts, 20);
  t.set(pl, 20 + olen);
  return t;
}

export function udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const u = new Uint8Array(8 + payload.length);
  const dv = new DataView(u.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint16(4, u.length);
  u.set(payload, 8);
  return u;
}

export function icmpEcho(type: number, id: number, seq: number, data = 8): Uint8Array {
  const m = new Uint8Array(8 + data);
  m[0] = type;
  new DataView(m.buffer).setUint16(4, id);
  new DataView(m.buffer).setUint16(6, seq);
  return m;
}

/** A pcap file; `ns` for the nanosecond magic, `be` for big-endian headers. */
export function pcapFile(frames: SynthFrame[], opts: { ns?: boolean; be?: boolean; linktype?: number } = {}): Uint8Array {
  const le = !opts.be;
  const total = 24 + frames.reduce((n, f) => n + 16 + f.data.length, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, opts.ns ? 0xa1b23c4d : 0xa1b2c3d4, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, 262144, le);
  dv.setUint32(20, opts.linktype ?? 1, le);
  let o = 24;
  for (const f of frames) {
    const [sec, nsec] = Array.isArray(f.ts) ? f.ts : [Math.floor(f.ts), Math.round((f.ts % 1) * 1e9)];
    dv.setUint32(o, sec, le);
    dv.setUint32(o + 4, opts.ns ? nsec : Math.floor(nsec / 1000), le);
    dv.setUint32(o + 8, f.data.length, le);
    dv.setUint32(o + 12, f.data.length, le);
    out.set(f.data, o + 16);
    o += 16 + f.data.length;
  }
  return out;
}

/** A pcapng file with one SHB, the given interfaces (link type, tsresol exponent) and EPBs. */
export function pcapngFile(
  frames: SynthFrame[],
  opts: { be?: boolean; interfaces?: { linktype: number; tsresol?: number }[]; unknownBlock?: boolean } = {},
): Uint8Array {
  const le = !opts.be;
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array): void => {
    const len = 12 + ((body.length + 3) & ~3);
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type, le);
    dv.setUint32(4, len, le);
    b.set(body, 8);
    dv.setUint32(len - 4, len, le);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  const sdv = new DataView(shb.buffer);
  sdv.setUint32(0, 0x1a2b3c4d, le);
  sdv.setUint16(4, 1, le);
  sdv.setBigInt64(8, -1n, le);
  block(0x0a0d0d0a, shb);
  const ifaces = opts.interfaces ?? [{ linktype: 1, tsresol: 6 }];
  for (const i of ifaces) {
    const body = new Uint8Array(i.tsresol === undefined ? 8 : 8 + 8 + 4);
    const dv = new DataView(body.buffer);
    dv.setUint16(0, i.linktype, le);
    dv.setUint32(4, 262144, le);
    if (i.tsresol !== undefined) {
      dv.setUint16(8, 9, le);
      dv.setUint16(10, 1, le);
      body[12] = i.tsresol;
    }
    block(1, body);
  }
  if (opts.unknownBlock) block(0x80000001, new Uint8Array([1, 2, 3, 4, 5]));
  for (const f of frames) {
    const res = ifaces[f.iface ?? 0].tsresol ?? 6;
    const [sec, nsec] = Array.isArray(f.ts) ? f.ts : [Math.floor(f.ts), Math.round((f.ts % 1) * 1e9)];
    const ticks = BigInt(sec) * 10n ** BigInt(res) + (BigInt(nsec) * 10n ** BigInt(res)) / 1_000_000_000n;
    const body = new Uint8Array(20 + f.data.length);
    const dv = new DataView(body.buffer);
    dv.setUint32(0, f.iface ?? 0, le);
    dv.setUint32(4, Number(ticks >> 32n), le);
    dv.setUint32(8, Number(ticks & 0xffffffffn), le);
    dv.setUint32(12, f.data.length, le);
    dv.setUint32(16, f.data.length, le);
    body.set(f.data, 20);
    block(6, body);
  }
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
