/**
 * Writes tshark packet-list lines (the bytes of `formatTsharkLine(p) + '\n'`) straight into a
 * reusable byte buffer: numbers as digits, pre-encoded address columns and protocol names, so
 * the text path builds no per-packet line string (less garbage, no cons-string flattening).
 */
import type { DecodedPacket } from '../types.js';
import { formatRelTime } from './format.js';
import type { TcpInfoParts } from './tcp-summary.js';
import { tcpFlagsBracket } from '../decode/tcp.js';

const ENC = new TextEncoder();
const MAX_CACHE = 100_000;

/** Left-padded source, " → ", right-padded destination and a space, as formatTsharkLine has them. */
function addressColumnsText(src: string, dst: string): string {
  const l = src.length < 12 ? ' '.repeat(12 - src.length) + src : src;
  const r = dst.length < 12 ? dst + ' '.repeat(12 - dst.length) : dst;
  return l + ' → ' + r + ' ';
}

/** Number of decimal digits of a non-negative integer below 2^53. */
function digitCount(n: number): number {
  if (n < 100000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  if (n < 10000000000) return n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
  let d = 11;
  for (let m = 100000000000; n >= m && d < 17; m *= 10) d++;
  return d;
}

/**
 * Accumulates lines; calls `sink` with a full buffer (the bytes are only valid during the call
 * unless `fresh` is set, in which case each buffer handed over is a new allocation).
 */
export class TsharkLineWriter {
  private buf: Uint8Array;
  private pos = 0;
  private readonly pairs = new Map<string, Map<string, Uint8Array>>();
  private pairCount = 0;
  private readonly protocols = new Map<string, Uint8Array>();
  /** "[SYN, ACK] " by flag bits. */
  private readonly flagTexts = new Array<Uint8Array | undefined>(4096).fill(undefined);

  /**
   * @param sink receives filled buffers (`flush` hands over the rest)
   * @param size buffer size in bytes
   * @param fresh allocate a new buffer after each hand-over (for sinks that keep or transfer it)
   */
  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly size = 1 << 20,
    private readonly fresh = false,
  ) {
    this.buf = new Uint8Array(size);
  }

  /** Hands the buffered bytes to the sink (nothing if empty). */
  flush(): void {
    if (this.pos === 0) return;
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    if (this.fresh) this.buf = new Uint8Array(this.size);
    this.sink(out);
  }

  private room(bytes: number): void {
    if (this.pos + bytes > this.buf.length) {
      this.flush();
      if (bytes > this.buf.length) this.buf = new Uint8Array(bytes);
    }
  }

  /** Unsigned integer right-aligned in `width` columns. */
  private int(n: number, width: number): void {
    const b = this.buf;
    const d = digitCount(n);
    let p = this.pos;
    for (let i = d; i < width; i++) b[p++] = 32;
    let e = p + d;
    this.pos = e;
    while (n >= 2147483648) {
      const q = Math.floor(n / 10);
      b[--e] = 48 + n - q * 10;
      n = q;
    }
    do {
      const q = (n / 10) | 0; // int32 arithmetic below 2^31
      b[--e] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
  }

  private bytes(src: Uint8Array): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < src.length; i++) b[p++] = src[i];
    this.pos = p;
  }

  /** Writes a string as UTF-8 (lone surrogates become U+FFFD, as Buffer#write does). */
  private text(s: string): void {
    const b = this.buf;
    let p = this.pos;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) b[p++] = c;
      else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            b[p++] = 0xf0 | (c >> 18);
            b[p++] = 0x80 | ((c >> 12) & 0x3f);
            b[p++] = 0x80 | ((c >> 6) & 0x3f);
            b[p++] = 0x80 | (c & 0x3f);
            continue;
          }
          c = 0xfffd;
        }
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
  }

  private time(t: number, digits: number): void {
    if (digits === 6 && t >= 0 && t < 1e9) {
      // Same arithmetic as formatRelTime's µs branch.
      const us = Math.round(t * 1e6);
      const sec = Math.floor(us / 1e6);
      const frac = us - sec * 1e6;
      this.int(sec, 3);
      const b = this.buf;
      const p = this.pos;
      b[p] = 46;
      let f = frac;
      for (let i = 6; i >= 1; i--) {
        const q = Math.floor(f / 10);
        b[p + i] = 48 + f - q * 10;
        f = q;
      }
      this.pos = p + 7;
      return;
    }
    const s = formatRelTime(t, digits);
    for (let i = s.length; i < 10; i++) this.buf[this.pos++] = 32;
    this.text(s);
  }

  private pair(src: string, dst: string): Uint8Array {
    let m = this.pairs.get(src);
    if (m === undefined) {
      if (this.pairCount > MAX_CACHE) {
        this.pairs.clear();
        this.pairCount = 0;
      }
      m = new Map();
      this.pairs.set(src, m);
    }
    let e = m.get(dst);
    if (e === undefined) {
      e = ENC.encode(addressColumnsText(src, dst));
      m.set(dst, e);
      this.pairCount++;
    }
    return e;
  }

  private protocol(s: string): Uint8Array {
    let e = this.protocols.get(s);
    if (e === undefined) {
      e = ENC.encode(s + ' ');
      if (this.protocols.size > 1000) this.protocols.clear();
      this.protocols.set(s, e);
    }
    return e;
  }

  /** Pre-encoded ASCII of a fixed string literal. */
  private ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** The Info column of a plain TCP row from its parts (what TcpSummarizer would have joined). */
  private tcpInfo(t: TcpInfoParts): void {
    if (t.labels !== '') this.text(t.labels);
    this.int(t.srcPort, 1);
    this.bytes(ARROW);
    this.int(t.dstPort, 1);
    this.buf[this.pos++] = 32;
    const f = t.flags & 0xfff;
    let fb = this.flagTexts[f];
    if (fb === undefined) fb = this.flagTexts[f] = ENC.encode(tcpFlagsBracket(f));
    this.bytes(fb);
    this.ascii(' Seq=');
    this.int(t.seq, 1);
    if (t.ack >= 0) {
      this.ascii(' Ack=');
      this.int(t.ack, 1);
    }
    this.ascii(' Win=');
    this.int(t.win, 1);
    if (t.urg >= 0) {
      this.ascii(' Urg=');
      this.int(t.urg, 1);
    }
    this.ascii(' Len=');
    this.int(t.len, 1);
    if (t.tsval >= 0) {
      this.ascii(' TSval=');
      this.int(t.tsval, 1);
      this.ascii(' TSecr=');
      this.int(t.tsecr, 1);
    } else if (t.optText !== '') this.text(t.optText);
  }

  /**
   * Appends `formatTsharkLine(p, digits) + '\n'`; with `tcp` (text-parts mode, p.info is ''),
   * the Info column is written from those parts.
   */
  line(p: DecodedPacket, digits = 9, tcp?: TcpInfoParts): void {
    const src = p.source;
    const dst = p.destination;
    const cols = this.pair(src, dst);
    const proto = this.protocol(p.protocol);
    const infoRoom = tcp === undefined ? p.info.length * 3 : 160 + tcp.labels.length * 3 + tcp.optText.length * 3;
    this.room(64 + cols.length + proto.length + infoRoom);
    this.int(p.no, 5);
    this.buf[this.pos++] = 32;
    this.time(p.time, p.timeDigits ?? digits);
    this.buf[this.pos++] = 32;
    this.bytes(cols);
    this.bytes(proto);
    this.int(p.length, 1);
    this.buf[this.pos++] = 32;
    if (tcp === undefined) this.text(p.info);
    else this.tcpInfo(tcp);
    this.buf[this.pos++] = 10;
  }
}

const ARROW = ENC.encode(' → ');
