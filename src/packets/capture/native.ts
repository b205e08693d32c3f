import { nativeAddon } from '../../util/native-addon.js';

/**
 * The C capture loop (native/capture.c, built by `npm install` into native/build/Release):
 * libpcap on a thread of its own, a big kernel ring, batches read with pcap_dispatch, the file
 * written in C, libpcap's counters at the end. Live captures use it when it loads and fall back
 * to the `cap` binding when it does not (see live.ts).
 */

/** An open native capture: an opaque handle owned by the native module. */
export type NativeCaptureHandle = { readonly __brand: 'wirelab_capture handle' };

/** libpcap's counters at the end of a capture (tcpdump's last lines). */
export interface NativeCaptureStats {
  /** Packets written to the file ("packets captured"). */
  captured: number;
  /** ps_recv ("packets received by filter"); absent when pcap_stats failed. */
  received?: number;
  /** ps_drop ("packets dropped by kernel"): the ring was full. */
  droppedByKernel?: number;
  /** ps_ifdrop ("packets dropped by interface"), since the capture opened. */
  droppedByInterface?: number;
}

export interface NativeCapture {
  open(options: {
    device: string;
    file: string;
    filter?: string;
    format: 'pcap' | 'pcapng';
    snaplen: number;
    bufferSize: number;
    timeoutMs?: number;
    quietMs?: number;
    maxDrainMs?: number;
  }): NativeCaptureHandle;
  linktype(h: NativeCaptureHandle): number;
  count(h: NativeCaptureHandle): number;
  /** Drains, takes pcap_stats, closes. Idempotent. */
  stop(h: NativeCaptureHandle): Promise<NativeCaptureStats>;
  devices(): string[];
  /** libpcap's compiler without a device: null when `filter` compiles for `linktype` (default Ethernet), else its message. */
  compileFilter(filter: string, linktype?: number): string | null;
}

const addon = nativeAddon<NativeCapture>('wirelab_capture', {
  off: () => (process.env.WIRELAB_CAPTURE_ENGINE === 'cap' ? 'WIRELAB_CAPTURE_ENGINE=cap' : undefined),
  path: () => process.env.WIRELAB_CAPTURE_MODULE,
});

/**
 * The native capture module, or undefined when it is not built, will not load, or
 * `WIRELAB_CAPTURE_ENGINE=cap` asks for the fallback. `WIRELAB_CAPTURE_MODULE` names another
 * build of it (tests that run a copy of the code elsewhere).
 */
export function nativeCapture(): NativeCapture | undefined {
  return addon.get();
}

/** Why the native capture module is not in use, or undefined when it is. */
export function nativeCaptureError(): string | undefined {
  return addon.error();
}
