/**
 * Streaming capture-file writers: classic pcap (microsecond timestamps) and pcapng (one SHB, one
 * IDB with if_tsresol=9 for nanoseconds, then one EPB per packet). Records are assembled into a
 * 1 MiB buffer and written synchronously when it fills, so a capture callback can hand over a
 * packet without awaiting; `close()` flushes the rest and closes the file. Works for any link
 * type: the bytes are written as given.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface WriterOptions {
  /** LINKTYPE_* number written in the header / IDB (1 Ethernet, 113 Linux SLL, 101 raw IP …). */
  linktype: number;
  /** Largest number of bytes stored per packet; longer packets are truncated (orig length kept). */
  snaplen?: number;
  /** Interface name written into the pcapng IDB (if_name). */
  ifName?: string;
}

/** One packet to write: capture time in nanoseconds since the epoch, the bytes, the original length. */
export interface WritePacket {
  tsNs: bigint;
  data: Uint8Array;
  /** Length on the wire; defaults to `data.length`. */
  origLen?: number;
}

const FLUSH_AT = 1 << 20;
export const DEFAULT_SNAPLEN = 262144;

/** A capture file being written. */
export class CaptureWriter {
  readonly format: CaptureFormat;
  readonly linktype: number;
  readonly snaplen: number;
  private fd: number | undefined;
  private buf = Buffer.allocUnsafe(FLUSH_AT + 65536);
  private used = 0;
  /** Packets written so far. */
  count = 0;

  constructor(
    readonly file: string,
    format: CaptureFormat,
    opts: WriterOptions,
  ) {
    if (!Number.isInteger(opts.linktype) || opts.linktype < 0 || opts.linktype > 0xffff)
      throw new RangeError(`bad linktype ${opts.linktype}`);
    this.format = format;
    this.linktype = opts.linktype;
    this.snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
    this.fd = openSync(file, 'w');
    if (format === 'pcap') this.pcapHeader();
    else this.pcapngHeaders(opts.ifName);
    this.flush();
  }

  /** Appends one packet (truncated to the snaplen). */
  write(p: WritePacket): void {
    this.writeAt(Number(p.tsNs / 1_000_000_000n), Number(p.tsNs % 1_000_000_000n), p.data, p.origLen);
  }

  /** The allocation-free form of `write`: time as whole seconds and nanoseconds. */
  writeAt(sec: number, nsec: number, data: Uint8Array, origLen = data.length): void {
    const caplen = Math.min(data.length, this.snaplen);
    const orig = Math.max(origLen, caplen);
    const need = caplen + 40;
    if (this.used + need > this.buf.length) this.flush();
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need + FLUSH_AT);
    if (this.format === 'pcap') this.pcapRecord(sec, nsec, data, caplen, orig);
    else this.epb(sec, nsec, data, caplen, orig);
    this.count++;
    if (this.used >= FLUSH_AT) this.flush();
  }

  /** Writes buffered records to the file. */
  flush(): void {
    if (this.fd === undefined) throw new Error(`capture file ${this.file} is closed`);
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  /** Flushes, syncs and closes the file. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private pcapHeader(): void {
    const b = this.buf;
    b.writeUInt32LE(0xa1b2c3d4, 0);
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeInt32LE(0, 8); // thiszone
    b.writeUInt32LE(0, 12); // sigfigs
    b.writeUInt32LE(this.snaplen, 16);
    b.writeUInt32LE(this.linktype, 20);
    this.used = 24;
  }

  private pcapRecord(sec: number, nsec: number, data: Uint8Array, caplen: number, orig: number): void {
    const b = this.buf;
    const o = this.used;
    b.writeUInt32LE(sec >>> 0, o);
    b.writeUInt32LE(Math.floor(nsec / 1000), o + 4);
    b.writeUInt32LE(caplen, o + 8);
    b.writeUInt32LE(orig, o + 12);
    b.set(data.subarray(0, caplen), o + 16);
    this.used = o + 16 + caplen;
  }

  private pcapngHeaders(ifName: string | undefined): void {
    const b = this.buf;
    // Section Header Block: byte-order magic, version 1.0, section length unknown (-1), and
    // shb_userappl (4) = "wirelab" so capinfos/Wireshark name the capturing application.
    const shbOpts = Buffer.concat([option(4, Buffer.from('wirelab', 'utf8')), Buffer.alloc(4)]);
    const shbLen = 28 + shbOpts.length;
    b.writeUInt32LE(0x0a0d0d0a, 0);
    b.writeUInt32LE(shbLen, 4);
    b.writeUInt32LE(0x1a2b3c4d, 8);
    b.writeUInt16LE(1, 12);
    b.writeUInt16LE(0, 14);
    b.writeBigInt64LE(-1n, 16);
    shbOpts.copy(b, 24);
    b.writeUInt32LE(shbLen, 24 + shbOpts.length);
    // Interface Description Block with if_name (2) and if_tsresol (9) = 9 (10^-9 s).
    const opts: Buffer[] = [];
    if (ifName) opts.push(option(2, Buffer.from(ifName, 'utf8')));
    opts.push(option(9, Buffer.from([9])));
    opts.push(Buffer.alloc(4)); // opt_endofopt
    const body = Buffer.concat(opts);
    const len = 20 + body.length;
    let o = shbLen;
    b.writeUInt32LE(1, o);
    b.writeUInt32LE(len, o + 4);
    b.writeUInt16LE(this.linktype, o + 8);
    b.writeUInt16LE(0, o + 10);
    b.writeUInt32LE(this.snaplen, o + 12);
    body.copy(b, o + 16);
    b.writeUInt32LE(len, o + 16 + body.length);
    o += len;
    this.used = o;
  }

  private epb(sec: number, nsec: number, data: Uint8Array, caplen: number, orig: number): void {
    const b = this.buf;
    const o = this.used;
    const padded = (caplen + 3) & ~3;
    const len = 32 + padded;
    b.writeUInt32LE(6, o);
    b.writeUInt32LE(len, o + 4);
    b.writeUInt32LE(0, o + 8); // interface 0
    // sec·1e9 + nsec as two 32-bit halves, exactly, without BigInt: sec = sH·2^16 + sL.
    const t1 = (sec % 65536) * 1e9 + nsec;
    const t2 = Math.floor(sec / 65536) * 1e9;
    const low = t1 + (t2 % 65536) * 65536;
    b.writeUInt32LE((Math.floor(t2 / 65536) + Math.floor(low / 4294967296)) >>> 0, o + 12);
    b.writeUInt32LE(low % 4294967296, o + 16);
    b.writeUInt32LE(caplen, o + 20);
    b.writeUInt32LE(orig, o + 24);
    b.set(data.subarray(0, caplen), o + 28);
    b.fill(0, o + 28 + caplen, o + 28 + padded);
    b.writeUInt32LE(len, o + 28 + padded);
    this.used = o + len;
  }
}

/** A pcapng option: code, length, value padded to 32 bits. */
function option(code: number, value: Buffer): Buffer {
  const out = Buffer.alloc(4 + ((value.length + 3) & ~3));
  out.writeUInt16LE(code, 0);
  out.writeUInt16LE(value.length, 2);
  value.copy(out, 4);
  return out;
}

/** Opens a writer; `format` defaults from the file extension (.pcapng → pcapng, else pcap). */
export function openCaptureWriter(file: string, opts: WriterOptions & { format?: CaptureFormat }): CaptureWriter {
  const format = opts.format ?? (file.endsWith('.pcapng') ? 'pcapng' : 'pcap');
  return new CaptureWriter(file, format, opts);
}
