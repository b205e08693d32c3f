/** Decoding whole capture files: collected (`decodeFile`) or streamed (`decodeEach`, `decodeStream`). */
import { open } from 'node:fs/promises';
import type { DecodedPacket, ReadProblem } from '../types.js';
import { CaptureParser, readCaptureBytes, readCaptureFile, type CaptureInfo, type Frame } from './reader.js';
import { Summarizer, type SummaryOptions } from '../summary/summary.js';
import type { TcpInfoParts } from '../summary/tcp-summary.js';

export interface DecodeSummary {
  /** Number of packets decoded. */
  count: number;
  /** pcap or pcapng; undefined if the header was unreadable. */
  format?: 'pcap' | 'pcapng';
  /** Link types of the file (one per pcapng interface). */
  linktypes: number[];
  /** Decimals tshark shows in its Time column for this file. */
  timeDigits: number;
  /** Set when the file is truncated or corrupt; the packets before it are still decoded. */
  problem?: ReadProblem;
}

export interface DecodeResult extends DecodeSummary {
  packets: DecodedPacket[];
}

function summaryOf(info: CaptureInfo | undefined, count: number, problem: ReadProblem | undefined): DecodeSummary {
  const s: DecodeSummary = { count, format: info?.format, linktypes: info?.linktypes ?? [], timeDigits: info?.timeDigits ?? 6 };
  if (problem) s.problem = problem;
  return s;
}

function adder(sum: Summarizer, out: (p: DecodedPacket) => void): (f: Frame) => void {
  return (f) => {
    const p = sum.add(f);
    p.timeDigits = f.timeDigits;
    out(p);
  };
}

/**
 * Streams the file and calls `onPacket` for every packet as it is read (memory stays constant
 * unless the callback keeps packets). Single pass only (two-pass needs `decodeFile`).
 * `afterChunk` is awaited after each 1 MiB read (flush output there).
 * Rejects only when the file cannot be opened; bad content is reported in `problem`.
 */
export async function decodeEach(
  path: string,
  onPacket: (p: DecodedPacket) => void,
  opts: SummaryOptions = {},
  afterChunk?: () => Promise<void> | void,
): Promise<DecodeSummary> {
  let count = 0;
  const res = await readCaptureFile(
    path,
    adder(new Summarizer({ ...opts, twoPass: false }), (p) => {
      count++;
      onPacket(p);
    }),
    1 << 20,
    afterChunk,
    opts.payload === false && opts.fields === false,
  );
  return summaryOf(res.info, count, res.problem);
}

/**
 * `decodeEach` for text writers: packets come with the Info pieces of plain TCP rows
 * (`tcpText`, then `p.info` is ''; see SummaryOptions.textParts). Both are valid only during
 * the callback. Only the packet-list columns are computed (no fields, no payload).
 */
export async function decodeEachText(
  path: string,
  onPacket: (p: DecodedPacket, tcpText: TcpInfoParts | undefined) => void,
  afterChunk?: () => Promise<void> | void,
): Promise<DecodeSummary> {
  const t = textAdder(onPacket);
  const res = await readCaptureFile(path, t.sink, 1 << 20, afterChunk, true);
  return summaryOf(res.info, t.count(), res.problem);
}

/** decodeEachText for bytes already in memory. Never throws. */
export function decodeBytesText(bytes: Uint8Array, onPacket: (p: DecodedPacket, tcpText: TcpInfoParts | undefined) => void): DecodeSummary {
  const t = textAdder(onPacket);
  const res = readCaptureBytes(bytes, t.sink);
  return summaryOf(res.info, t.count(), res.problem);
}

function textAdder(onPacket: (p: DecodedPacket, tcpText: TcpInfoParts | undefined) => void): {
  sink: (f: Frame) => void;
  count: () => number;
} {
  let count = 0;
  const sum = new Summarizer({ payload: false, fields: false, textParts: true });
  return {
    sink: (f) => {
      const p = sum.add(f);
      p.timeDigits = f.timeDigits;
      count++;
      onPacket(p, sum.tcpText);
    },
    count: () => count,
  };
}

/** Decodes a whole file into memory: what `tshark -r` (or `tshark -2 -r` with twoPass) prints. */
export async function decodeFile(path: string, opts: SummaryOptions = {}, signal?: AbortSignal): Promise<DecodeResult> {
  const packets: DecodedPacket[] = [];
  const sum = new Summarizer(opts);
  const res = await readCaptureFile(
    path,
    adder(sum, (p) => packets.push(p)),
    1 << 20,
    undefined,
    false,
    signal,
  );
  signal?.throwIfAborted();
  sum.finish(packets);
  return { packets, ...summaryOf(res.info, packets.length, res.problem) };
}

/** decodeFile for bytes already in memory. Never throws. */
export function decodeBytes(bytes: Uint8Array, opts: SummaryOptions = {}): DecodeResult {
  const packets: DecodedPacket[] = [];
  const sum = new Summarizer(opts);
  const res = readCaptureBytes(
    bytes,
    adder(sum, (p) => packets.push(p)),
  );
  sum.finish(packets);
  return { packets, ...summaryOf(res.info, packets.length, res.problem) };
}

/**
 * Async iterator over the packets of a file (single pass, read in 1 MiB chunks). After the loop,
 * `summary()` gives the count, link types and any ReadProblem. Rejects if the file cannot be opened.
 */
export function decodeStream(
  path: string,
  opts: SummaryOptions = {},
): AsyncIterable<DecodedPacket> & { summary(): DecodeSummary | undefined } {
  let summary: DecodeSummary | undefined;
  return {
    summary: () => summary,
    async *[Symbol.asyncIterator](): AsyncGenerator<DecodedPacket> {
      const batch: DecodedPacket[] = [];
      const parser = new CaptureParser(adder(new Summarizer({ ...opts, twoPass: false }), (p) => batch.push(p)));
      const fh = await open(path, 'r');
      let count = 0;
      try {
        for (;;) {
          const buf = Buffer.allocUnsafe(1 << 20);
          const { bytesRead } = await fh.read(buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          parser.push(buf.subarray(0, bytesRead));
          count += batch.length;
          for (const p of batch) yield p;
          batch.length = 0;
          if (parser.problem) break;
        }
        parser.finish();
      } finally {
        await fh.close();
      }
      summary = summaryOf(parser.info, count, parser.problem);
    },
  };
}
