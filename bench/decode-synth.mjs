/**
 * Writes a pcap of realistic lab TCP traffic (for bench/decode.mjs): clients on several hosts
 * talk to an echo-like server: handshake with Linux-style options, 1–12 request/response
 * exchanges of 16–200 bytes with pure ACKs, FIN/FIN/ACK teardown. Deterministic (seeded).
 */
import { open } from 'node:fs/promises';

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYN = 2,
  ACK = 16,
  PSH = 8,
  FIN = 1;
/**
 * Ephemeral ports on which tshark 4.0 runs a dissector wirelab does not implement (EtherCAT,
 * PCP, EtherNet/IP, ADS/AMS …): the generator skips them so the outputs stay comparable.
 */
const FOREIGN_PORTS = new Set([34980, 44321, 44322, 44818, 48049, 48898, 57000]);
const TEXT = 'Ada Lovelace wrote the first program for the Analytical Engine. ';

/**
 * Writes `count` packets (±a few, conversations are completed) to `path`.
 * @returns {Promise<number>} packets written
 */
export async function writeLabPcap(path, count, { hosts = 16, seed = 42 } = {}) {
  const rnd = prng(seed);
  const fh = await open(path, 'w');
  const chunk = Buffer.alloc(8 << 20);
  let used = 0;
  const flush = async () => {
    await fh.write(chunk, 0, used);
    used = 0;
  };
  chunk.writeUInt32LE(0xa1b2c3d4, 0);
  chunk.writeUInt16LE(2, 4);
  chunk.writeUInt16LE(4, 6);
  chunk.writeUInt32LE(262144, 16);
  chunk.writeUInt32LE(1, 20);
  used = 24;
  let sec = 1_760_000_000;
  let usec = 0;
  let written = 0;
  const server = [203, 0, 113, 5];
  const tsval = [0, 0];

  const packet = (fromClient, client, cport, seq, ack, flags, win, optsKind, plen) => {
    const optLen = optsKind === 'syn' ? 20 : 12;
    const frameLen = 14 + 20 + 20 + optLen + plen;
    const o = used + 16;
    usec += 20 + Math.floor(rnd() * 200);
    if (usec >= 1e6) {
      sec++;
      usec -= 1e6;
    }
    chunk.writeUInt32LE(sec, used);
    chunk.writeUInt32LE(usec, used + 4);
    chunk.writeUInt32LE(frameLen, used + 8);
    chunk.writeUInt32LE(frameLen, used + 12);
    chunk.fill(0, o, o + 12);
    chunk[o + 5] = fromClient ? 1 : 2;
    chunk[o + 11] = fromClient ? 2 : 1;
    chunk.writeUInt16BE(0x0800, o + 12);
    const ip = o + 14;
    chunk[ip] = 0x45;
    chunk[ip + 1] = 0;
    chunk.writeUInt16BE(20 + 20 + optLen + plen, ip + 2);
    chunk.writeUInt32BE(0x40000000, ip + 4);
    chunk[ip + 8] = 64;
    chunk[ip + 9] = 6;
    chunk.writeUInt16BE(0, ip + 10);
    const src = fromClient ? client : server;
    const dst = fromClient ? server : client;
    for (let i = 0; i < 4; i++) {
      chunk[ip + 12 + i] = src[i];
      chunk[ip + 16 + i] = dst[i];
    }
    const t = ip + 20;
    chunk.writeUInt16BE(fromClient ? cport : 50007, t);
    chunk.writeUInt16BE(fromClient ? 50007 : cport, t + 2);
    chunk.writeUInt32BE(seq >>> 0, t + 4);
    chunk.writeUInt32BE(ack >>> 0, t + 8);
    chunk[t + 12] = ((20 + optLen) / 4) << 4;
    chunk[t + 13] = flags;
    chunk.writeUInt16BE(win, t + 14);
    chunk.writeUInt32BE(0, t + 16);
    const p = t + 20;
    const d = fromClient ? 0 : 1;
    tsval[d] += 1;
    if (optsKind === 'syn') {
      chunk.set([2, 4, 0xff, 0xd7, 4, 2, 8, 10], p);
      chunk.writeUInt32BE(tsval[d], p + 8);
      chunk.writeUInt32BE(flags & ACK ? tsval[1 - d] : 0, p + 12);
      chunk.set([1, 3, 3, 10], p + 16);
    } else {
      chunk.set([1, 1, 8, 10], p);
      chunk.writeUInt32BE(tsval[d], p + 4);
      chunk.writeUInt32BE(tsval[1 - d], p + 8);
    }
    for (let i = 0; i < plen; i++) chunk[p + optLen + i] = TEXT.charCodeAt(i % TEXT.length);
    if (plen >= 2) chunk.set([13, 10], p + optLen + plen - 2);
    used += 16 + frameLen;
    written++;
  };

  let port = 32768;
  while (written < count) {
    if (used > chunk.length - 64 * 1024) await flush();
    const h = Math.floor(rnd() * hosts);
    const client = [198, 51, 100, 10 + h];
    do port = port >= 60999 ? 32768 : port + 1;
    while (FOREIGN_PORTS.has(port));
    let cs = Math.floor(rnd() * 2 ** 32);
    let ss = Math.floor(rnd() * 2 ** 32);
    packet(true, client, port, cs, 0, SYN, 65495, 'syn', 0);
    packet(false, client, port, ss, cs + 1, SYN | ACK, 65483, 'syn', 0);
    cs += 1;
    ss += 1;
    packet(true, client, port, cs, ss, ACK, 64, 'ts', 0);
    const n = 1 + Math.floor(rnd() * 12);
    for (let i = 0; i < n; i++) {
      const len = 16 + Math.floor(rnd() * 185);
      packet(true, client, port, cs, ss, PSH | ACK, 64, 'ts', len);
      cs += len;
      packet(false, client, port, ss, cs, ACK, 64, 'ts', 0);
      packet(false, client, port, ss, cs, PSH | ACK, 64, 'ts', len);
      ss += len;
      packet(true, client, port, cs, ss, ACK, 64, 'ts', 0);
    }
    packet(true, client, port, cs, ss, FIN | ACK, 64, 'ts', 0);
    packet(false, client, port, ss, cs + 1, FIN | ACK, 64, 'ts', 0);
    packet(true, client, port, cs + 1, ss + 1, ACK, 64, 'ts', 0);
  }
  await flush();
  await fh.close();
  return written;
}
