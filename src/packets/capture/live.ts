/**
 * Live capture into a pcap or pcapng file, with one of two engines:
 *
 * `native` (native/capture.c, the default where it is built): libpcap on a thread of its own,
 * as dumpcap does it — an 8 MiB kernel ring (DEFAULT_BUFFER_BYTES), immediate mode off, batches read with
 * pcap_dispatch, the file written in C, kernel timestamps in ns, and libpcap's counters at the
 * end (packets received by filter, dropped by kernel, dropped by interface), which the result
 * carries as `counters`. JavaScript only starts and stops it.
 *
 * `cap` (the fallback where the native module is not built, or `WIRELAB_CAPTURE_ENGINE=cap`):
 *  - It opens the device in immediate mode with a fixed 65535-byte snaplen and delivers each
 *    packet on the event loop; it passes no timestamp, so a packet is stamped with the wall clock
 *    (ns, monotonic offset from a start anchor) at delivery — within the event-loop latency of
 *    the kernel's time. Our own `snaplen` is applied when writing.
 *  - It does not bind pcap_stats, so kernel drops are not visible: its result has no
 *    `counters`, and nothing claims that no packet was lost.
 *  - Throughput: `cap` makes one JS call per packet (~4 µs here), 10–30× tcpdump's CPU; a
 *    flood beyond what the kernel ring absorbs is lost — see bench/capture.mjs.
 *
 * On `lo` the kernel hands libpcap an outgoing and an incoming copy of each packet and libpcap
 * drops the outgoing one, so each packet is written once (as tcpdump does); "received by
 * filter" counts both copies, as in tcpdump's own counters.
 *
 * Stopping: both engines keep the handle open after `stop()` until no packet has arrived for
 * `quietMs` (50 ms) or `maxDrainMs` (5 s) has passed since stop was called, then close the
 * handle and flush the file. Everything captured before stop is written.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { EnvironmentError, UsageError } from '../../errors.js';
import { CaptureWriter, DEFAULT_SNAPLEN, type CaptureFormat } from '../file/writer.js';
import { wireLength } from '../file/wire-length.js';
import { nativeCapture, nativeCaptureError } from './native.js';
import type { CaptureCounters } from '../../generated/run-record.js';

interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  on(ev: 'packet', cb: (nbytes: number, trunc: boolean) => void): void;
}
interface CapModule {
  Cap: { new (): CapHandle; deviceList(): { name: string }[] };
}

let capModule: CapModule | undefined;
/** The `cap` binding, loaded on first use (the native engine does not need it). */
function cap(): CapModule {
  return (capModule ??= createRequire(import.meta.url)('cap') as CapModule);
}

/**
 * The kernel capture ring when a capture asks for no size: 8 MiB, four times tcpdump's and
 * dumpcap's 2 MiB. The ring is mapped into this process, so every byte of it is resident while
 * the capture runs (64 MiB each made a lab's captures most of its memory); the C reader keeps a
 * paced loopback flood at 0 drops with it (bench/capture.mjs), and a capture that does drop
 * fails its step with libpcap's counts and the advice to set `buffer:`.
 */
export const DEFAULT_BUFFER_BYTES = 8 << 20;

/** Which capture engine ran: the C loop (native/capture.c) or the `cap` binding. */
export type CaptureEngine = 'native' | 'cap';

export interface CaptureSpec {
  /** Device name: `lo`, `eth0`, a veth, or `any`. */
  device: string;
  /** BPF capture filter (tcpdump syntax); empty = everything. */
  filter?: string;
  /** Output file. */
  file: string;
  /** Default: from the extension (.pcapng → pcapng), else pcap. */
  format?: CaptureFormat;
  /** Bytes kept per packet (default 262144; cap itself never delivers more than 65535). */
  snaplen?: number;
  /** Kernel capture buffer in bytes (default DEFAULT_BUFFER_BYTES: absorbs bursts while the reader catches up). */
  bufferSize?: number;
  /** Drain: stop once no packet arrived for this long (default 50 ms)… */
  quietMs?: number;
  /** …or this long after stop() was called, whichever comes first (default 5000 ms). */
  maxDrainMs?: number;
  /** Default: `native` where it is built, else `cap`. Asking for `native` where it is not built is an EnvironmentError. */
  engine?: CaptureEngine;
}

export interface CaptureResult {
  file: string;
  format: CaptureFormat;
  packets: number;
  /** LINKTYPE_* number written to the file. */
  linktype: number;
  engine: CaptureEngine;
  /** libpcap's counters (native engine only: `cap` exposes none). */
  counters?: CaptureCounters;
}

export interface RunningCapture {
  readonly linktype: number;
  /** Packets written so far. */
  readonly count: number;
  /** Drains, closes the handle and the file. Idempotent: later calls return the same result. */
  stop(): Promise<CaptureResult>;
}

/** Maps cap's link-type names (or "Unknown linktype N" with a DLT number) to LINKTYPE numbers. */
export function linktypeNumber(name: string): number {
  const named: Record<string, number> = { NULL: 0, ETHERNET: 1, IEEE802_11_RADIO: 127, LINKTYPE_LINUX_SLL: 113, RAW: 101 };
  if (name in named) return named[name];
  const m = /Unknown linktype (\d+)/.exec(name);
  if (!m) throw new Error(`cap returned an unknown link type: ${name}`);
  const dlt = Number(m[1]);
  // DLT values that differ from their LINKTYPE numbers (pcap-common.c); the rest are equal.
  const dltToLinktype: Record<number, number> = { 12: 101, 14: 101, 11: 100, 13: 50, 17: 117, 19: 106 };
  return dltToLinktype[dlt] ?? dlt;
}

const failedHandles: CapHandle[] = [];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Turns libpcap's open errors into user-facing ones. */
function openError(e: unknown, spec: CaptureSpec): Error {
  const msg = e instanceof Error ? e.message : String(e);
  // The native module says what failed in `code`; cap only in its message.
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'permission' || (code === undefined && /permission|not permitted|EPERM|EACCES/i.test(msg))) {
    return new EnvironmentError(
      `capturing on ${spec.device} is not permitted (${msg}): it needs root or CAP_NET_RAW`,
      'run as root, or: sudo setcap cap_net_raw,cap_net_admin+eip "$(readlink -f "$(which node)")"',
      'capture-permission',
    );
  }
  if (code === 'no-device' || (code === undefined && /no such device|doesn't exist|does not exist|No such file/i.test(msg))) {
    let names = '';
    try {
      names = deviceNames().join(', ');
    } catch {
      /* listing is only a hint */
    }
    return new UsageError(`no capture device named "${spec.device}" (${msg})${names ? `; devices here: ${names}` : ''}`, 'capture-device');
  }
  if (code === 'filter' || (code === undefined && /syntax|filter|parse|expression/i.test(msg)))
    return new UsageError(`bad capture filter "${spec.filter}": ${msg}`, 'capture-filter');
  return new EnvironmentError(
    `cannot capture on ${spec.device}: ${msg}`,
    'check the device with `ip link` and run as root',
    'capture-open',
  );
}

/** Capture device names (libpcap's list), for error messages. */
function deviceNames(): string[] {
  const native = nativeCapture();
  return native
    ? native.devices()
    : cap()
        .Cap.deviceList()
        .map((d) => d.name);
}

/** Opens the device, starts writing every packet to `spec.file`. */
export async function startCapture(spec: CaptureSpec): Promise<RunningCapture> {
  const snaplen = spec.snaplen ?? DEFAULT_SNAPLEN;
  if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > DEFAULT_SNAPLEN)
    throw new UsageError(`bad snaplen ${spec.snaplen}: give 1 to ${DEFAULT_SNAPLEN} bytes`);
  const format: CaptureFormat = spec.format ?? (spec.file.endsWith('.pcapng') ? 'pcapng' : 'pcap');
  const engine = spec.engine ?? (nativeCapture() ? 'native' : 'cap');
  if (engine === 'cap') return startCapCapture(spec, snaplen, format);
  const native = nativeCapture();
  if (!native) {
    throw new EnvironmentError(
      `the native capture module is not available (${nativeCaptureError()})`,
      'apt-get install -y build-essential libpcap-dev && npm run install',
      'missing-tool',
    );
  }
  let handle;
  try {
    handle = native.open({
      device: spec.device,
      file: spec.file,
      filter: spec.filter ?? '',
      format,
      snaplen,
      bufferSize: spec.bufferSize ?? DEFAULT_BUFFER_BYTES,
      quietMs: spec.quietMs ?? 50,
      maxDrainMs: spec.maxDrainMs ?? 5000,
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'file')
      throw new EnvironmentError((e as Error).message, 'check that the run folder exists and is writable', 'capture-file');
    throw openError(e, spec);
  }
  const h = handle;
  const linktype = native.linktype(h);
  let result: Promise<CaptureResult> | undefined;
  return {
    linktype,
    get count() {
      return native.count(h);
    },
    stop: () =>
      (result ??= native.stop(h).then((st) => ({
        file: spec.file,
        format,
        packets: st.captured,
        linktype,
        engine: 'native' as const,
        ...(st.received !== undefined
          ? {
              counters: {
                captured: st.captured,
                received: st.received,
                droppedByKernel: st.droppedByKernel ?? 0,
                droppedByInterface: st.droppedByInterface ?? 0,
              },
            }
          : {}),
      }))),
  };
}

/** The fallback engine: the `cap` binding, one JS call per packet, no counters. */
async function startCapCapture(spec: CaptureSpec, snaplen: number, format: CaptureFormat): Promise<RunningCapture> {
  const c = cap();
  // Checked first: libpcap would otherwise print a lookup warning before failing.
  if (spec.device !== 'any' && !c.Cap.deviceList().some((d) => d.name === spec.device)) {
    throw openError(new Error('No such device exists'), spec);
  }
  const handle = new c.Cap();
  const buffer = Buffer.alloc(65536);
  let linkName: string;
  try {
    linkName = handle.open(spec.device, spec.filter ?? '', spec.bufferSize ?? DEFAULT_BUFFER_BYTES, buffer);
  } catch (e) {
    // cap leaves a half-open pcap handle behind a failed open; its destructor would then stop a
    // poll handle it never started (abort). Keep such handles referenced so they are never collected.
    failedHandles.push(handle);
    throw openError(e, spec);
  }
  let writer: CaptureWriter;
  let linktype: number;
  try {
    linktype = linktypeNumber(linkName);
    writer = new CaptureWriter(spec.file, format, { linktype, snaplen, ifName: spec.device });
  } catch (e) {
    handle.close();
    throw e;
  }
  // Process start on the wall clock + monotonic time since: steps of ~0.25 µs at today's epoch.
  const origin = performance.timeOrigin;
  let failure: Error | undefined;
  handle.on('packet', (nbytes) => {
    const ms = origin + performance.now();
    if (failure) return;
    try {
      const sec = Math.floor(ms / 1000);
      const nsec = Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6));
      const data = buffer.subarray(0, nbytes);
      writer.writeAt(sec, nsec, data, nbytes >= 65535 ? wireLength(linktype, data) : nbytes);
    } catch (e) {
      failure = e instanceof Error ? e : new Error(String(e));
    }
  });

  let result: Promise<CaptureResult> | undefined;
  const drainAndClose = async (): Promise<CaptureResult> => {
    const quiet = spec.quietMs ?? 50;
    const start = Date.now();
    const maxEnd = start + (spec.maxDrainMs ?? 5000);
    let last = start;
    let seen = writer.count;
    while (Date.now() < maxEnd && Date.now() - last < quiet) {
      await sleep(Math.min(10, quiet));
      if (writer.count !== seen) {
        seen = writer.count;
        last = Date.now();
      }
    }
    handle.close();
    writer.close();
    if (failure) throw failure;
    return { file: spec.file, format, packets: writer.count, linktype, engine: 'cap' };
  };
  return {
    linktype,
    get count() {
      return writer.count;
    },
    stop: () => (result ??= drainAndClose()),
  };
}
