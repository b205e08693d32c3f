/**
 * Streaming reader for pcap (both byte orders, µs and ns magic) and pcapng (SHB, IDB, EPB,
 * SPB, OPB; several interfaces with their own link types and if_tsresol; both byte orders;
 * unknown blocks skipped). It never throws on bad input: it stops and reports a ReadProblem.
 */
import { open } from 'node:fs/promises';
import type { ReadProblem } from '../types.js';
import { MAX_PACKET, PcapngState, parsePcapngBlock } from './pcapng.js';

/** One captured frame as stored in the file. */
export interface Frame {
  /** Link-layer type (LINKTYPE_* number) of the interface that captured it. */
  linktype: number;
  /** Capture time, seconds since the epoch (float). */
  timestamp: number;
  /** Whole seconds and nanoseconds of the timestamp (exact, for time arithmetic). */
  sec: number;
  nsec: number;
  caplen: number;
  origlen: number;
  /** The captured bytes (a view into the read buffer: copy it if you keep it long). */
  data: Uint8Array;
  /** Byte offset of the record (pcap record header / pcapng block) in the file. */
  offset: number;
  /** Decimals tshark shows for this frame's time (6 µs, 9 ns; per interface in pcapng). */
  timeDigits: number;
}

/** What the file header told us. */
export interface CaptureInfo {
  format: 'pcap' | 'pcapng';
  /** Digits tshark prints for the time column: 6 (µs) or 9 (ns). */
  timeDigits: number;
  /** Link types seen (pcap: one; pcapng: one per interface). */
  linktypes: number[];
}

/** Receives each frame with what is known of the file so far. */
export type FrameSink = (frame: Frame, info: CaptureInfo) => void;

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;

/**
 * A push parser: feed it consecutive chunks, it emits complete frames and keeps the tail.
 * `finish()` reports a truncated record or header, if any.
 */
export class CaptureParser {
  info: CaptureInfo | undefined;
  problem: ReadProblem | undefined;
  /** Frames emitted so far. */
  frames = 0;
  private le = true;
  private ns = false;
  private linktype = 0;
  private ng: PcapngState | undefined;
  private pending: Uint8Array | undefined;
  private pendingOffset = 0;
  /** Bytes of a skipped pcapng block still to come (dropped as they arrive, never held). */
  private skipping = 0;

  constructor(private readonly sink: FrameSink) {}

  /** Parses `chunk`, which starts at byte `fileOffset` of the file (after any kept tail). */
  push(chunk: Uint8Array): void {
    if (this.problem) return;
    if (this.skipping) {
      const n = Math.min(this.skipping, chunk.length);
      this.skipping -= n;
      this.pendingOffset += n;
      chunk = chunk.subarray(n);
      if (!chunk.length) return;
    }
    let buf = chunk;
    let base = this.pendingOffset;
    if (this.pending && this.pending.length) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending, 0);
      buf.set(chunk, this.pending.length);
    } else {
      base = this.pendingOffset;
    }
    const used = this.parse(buf, base);
    // Copy the partial record: the caller may reuse the chunk buffer for the next read.
    this.pending = used < buf.length ? new Uint8Array(buf.subarray(used)) : undefined; // (Buffer#slice would not copy)
    this.pendingOffset = base + used;
  }

  /** Call at end of file: a leftover partial record becomes a ReadProblem. */
  finish(): void {
    if (this.problem) return;
    const left = this.pending ? this.pending.length : 0;
    if (this.skipping) {
      this.problem = {
        offset: this.pendingOffset,
        frame: this.frames + 1,
        message: `truncated block: ${this.skipping} bytes missing at end of file`,
      };
    } else if (!this.info) {
      this.problem = { offset: 0, frame: 0, message: left === 0 ? 'empty file' : `file too short for a capture header (${left} bytes)` };
    } else if (left > 0) {
      this.problem = {
        offset: this.pendingOffset,
        frame: this.frames + 1,
        message: `truncated record: ${left} bytes left at end of file`,
      };
    }
  }

  private fail(offset: number, message: string): number {
    this.problem = { offset, frame: this.frames + 1, message };
    return -1;
  }

  /** Returns bytes consumed. */
  private parse(buf: Uint8Array, base: number): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = 0;
    if (!this.info) {
      if (buf.length < 4) return 0;
      const magicBE = dv.getUint32(0, false);
      if (magicBE === PCAPNG_SHB) {
        this.ng = new PcapngState();
        this.info = { format: 'pcapng', timeDigits: 6, linktypes: [] };
      } else {
        if (buf.length < 24) return 0;
        const mLE = dv.getUint32(0, true);
        if (mLE === PCAP_US || mLE === PCAP_NS) this.le = true;
        else if (magicBE === PCAP_US || magicBE === PCAP_NS) this.le = false;
        else {
          this.problem = { offset: 0, frame: 0, message: `not a pcap or pcapng file (magic 0x${magicBE.toString(16).padStart(8, '0')})` };
          return buf.length;
        }
        this.ns = dv.getUint32(0, this.le) === PCAP_NS;
        this.linktype = dv.getUint32(20, this.le) & 0x0fffffff;
        this.info = { format: 'pcap', timeDigits: this.ns ? 9 : 6, linktypes: [this.linktype] };
        pos = 24;
      }
    }
    if (this.ng) return this.parseNg(buf, dv, base);
    const le = this.le;
    const div = this.ns ? 1e9 : 1e6;
    const mul = this.ns ? 1 : 1000;
    while (pos + 16 <= buf.length) {
      const caplen = dv.getUint32(pos + 8, le);
      if (caplen > MAX_PACKET) {
        // tshark: "File has N-byte packet, bigger than maximum of 262144" (and stops there)
        this.fail(base + pos, `record has a ${caplen}-byte packet, bigger than the maximum of ${MAX_PACKET} (corrupt file?)`);
        return buf.length;
      }
      if (pos + 16 + caplen > buf.length) break;
      const sec = dv.getUint32(pos, le);
      const frac = dv.getUint32(pos + 4, le);
      if (frac >= div) {
        this.fail(base + pos, `record timestamp fraction ${frac} out of range (corrupt file?)`);
        return buf.length;
      }
      const origlen = dv.getUint32(pos + 12, le);
      this.frames++;
      this.sink(
        {
          linktype: this.linktype,
          timestamp: sec + frac / div,
          sec,
          nsec: frac * mul,
          caplen,
          origlen,
          data: new Uint8Array(buf.buffer, buf.byteOffset + pos + 16, caplen),
          offset: base + pos,
          timeDigits: this.ns ? 9 : 6,
        },
        this.info,
      );
      pos += 16 + caplen;
    }
    return pos;
  }

  private parseNg(buf: Uint8Array, dv: DataView, base: number): number {
    const st = this.ng!;
    let pos = 0;
    for (;;) {
      const r = parsePcapngBlock(st, buf, dv, pos, base);
      if (r.kind === 'need') return pos;
      if (r.kind === 'error') {
        this.fail(base + pos, r.message);
        return buf.length;
      }
      if (r.kind === 'frame') {
        this.frames++;
        this.sink(r.frame, this.info!);
      }
      if (r.kind === 'header') {
        // One interface more (or a new section, which starts the list again): constant work
        // per block, so 100,000 interface blocks cost linear time.
        const n = st.interfaces.length;
        if (n === 1) this.info!.linktypes = [];
        const added = st.interfaces[n - 1];
        this.info!.linktypes.push(added.linktype);
        if (added.digits === 9) this.info!.timeDigits = 9;
      }
      if (r.next > buf.length) {
        this.skipping = r.next - buf.length;
        return buf.length;
      }
      pos = r.next;
    }
  }
}

/** Result of reading a whole file. */
export interface ReadResult {
  info: CaptureInfo | undefined;
  frames: number;
  problem?: ReadProblem;
}

/**
 * Streams `path` in chunks and calls `sink` for every frame, synchronously per chunk;
 * `afterChunk` (optional) is awaited after each chunk, e.g. to flush output with backpressure.
 * `reuseBuffer`: read the chunks into two alternating buffers (only if no frame's `data` is kept
 * past its sink call); the next chunk is then read while the current one is parsed.
 * Rejects only if the file cannot be opened (ENOENT, EACCES…) or `signal` aborts (checked
 * after every chunk, so a step's timeout stops the work itself); bad content is a `problem`.
 */
export async function readCaptureFile(
  path: string,
  sink: FrameSink,
  chunkSize = 1 << 20,
  afterChunk?: () => Promise<void> | void,
  reuseBuffer = false,
  signal?: AbortSignal,
): Promise<ReadResult> {
  signal?.throwIfAborted();
  const fh = await open(path, 'r');
  const parser = new CaptureParser(sink);
  // With reuseBuffer two buffers alternate: the next chunk is read while this one is parsed.
  const buffers = reuseBuffer ? [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)] : undefined;
  let turn = 0;
  const readNext = (): Promise<{ bytesRead: number; buffer: Buffer }> => {
    // A fresh buffer per chunk unless the caller keeps no frame data past its sink call.
    const buf = buffers ? buffers[turn++ & 1] : Buffer.allocUnsafe(chunkSize);
    return fh.read(buf, 0, chunkSize, null); // issued only after the previous read completed
  };
  let next: Promise<{ bytesRead: number; buffer: Buffer }> | undefined;
  try {
    next = readNext();
    for (;;) {
      const { bytesRead, buffer } = await next;
      next = undefined;
      if (bytesRead === 0) break;
      next = readNext();
      parser.push(buffer.subarray(0, bytesRead));
      if (afterChunk) await afterChunk();
      if (parser.problem) break;
      if (signal?.aborted) throw signal.reason;
    }
  } catch (err) {
    if (signal?.aborted && err === signal.reason) throw err;
    if (!parser.problem) parser.problem = { offset: 0, frame: parser.frames + 1, message: `read error: ${(err as Error).message}` };
  } finally {
    await next?.catch(() => undefined); // never close the handle under a pending read
    await fh.close();
  }
  parser.finish();
  return { info: parser.info, frames: parser.frames, problem: parser.problem };
}

/** Parses a capture held in memory (tests, small files). Never throws. */
export function readCaptureBytes(bytes: Uint8Array, sink: FrameSink): ReadResult {
  const parser = new CaptureParser(sink);
  parser.push(bytes);
  parser.finish();
  return { info: parser.info, frames: parser.frames, problem: parser.problem };
}
