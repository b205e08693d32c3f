import { availableParallelism } from 'node:os';
import { nativeAddon } from '../util/native-addon.js';

/**
 * The C hot path of port scans (native/probe.c, built by `npm install` into
 * native/build/Release). Scans use it when it loads and fall back to the portable path
 * (raw-socket, Node's TCP handles) when it does not.
 */

/** An open scanner: an opaque handle owned by the native module. */
export type NativeScanner = { readonly __brand: 'wirelab_probe scanner' };

export interface NativeProbe {
  open(
    options: (
      | {
          mode: 'syn';
          source: string;
          target: string;
          sport: number;
          seqBase: number;
          /** Ports the scan probes: sizes the IPv4 receive ring (4 frames a port, 256 KiB to 4 MiB; absent: 4 MiB). */
          ports?: number;
        }
      | { mode: 'connect' | 'udp'; target: string }
    ) & {
      /** Threads that send (default 1); see `sendThreads`. */
      threads?: number;
    },
    out: Int32Array,
    onAnswers: (pairs: number) => void,
    /**
     * 65536 entries; before an answer for port p reaches `out`, rtts[p] holds its round trip in
     * ms (SYN and UDP: the kernel's receive timestamp minus the time read before the send call;
     * connect: clocks read at connect() and at the outcome).
     */
    rtts?: Float64Array,
  ): NativeScanner;
  /**
   * Sends probes for `ports[0..count)`; answers known at once go to `out`; returns how many
   * pairs. UDP: datagram i carries `payloads[offsets[i]..offsets[i+1])` (empty without them).
   */
  send(scanner: NativeScanner, ports: Uint16Array, count: number, out: Int32Array, payloads?: Uint8Array, offsets?: Uint32Array): number;
  cancel(scanner: NativeScanner, port: number): void;
  /**
   * Calls the scanner's `onAnswers` now for the answers already queued (as the event loop
   * would on its next turn). Absent from a module built before it existed.
   */
  poll?(scanner: NativeScanner): void;
  /**
   * Moves the calling thread into /run/netns/NAME and a mount namespace of its own with that
   * namespace's /sys and /etc/netns/NAME files, as `ip netns exec` does (native/netns.c).
   * Absent from a module built before it existed.
   */
  enterNetns?(name: string): void;
  /**
   * glibc malloc's mmap and trim thresholds and its arena cap, for the whole process, as
   * mallopt sets them (native/malloc.c); true when every one took. Absent from a module built
   * before it existed.
   */
  mallocTune?(options: { mmapThreshold?: number; trimThreshold?: number; arenaMax?: number }): boolean;
  close(scanner: NativeScanner): void;
  /**
   * IPv4 SYN scanner: true when it reads its answers from a packet socket's receive ring, which
   * also brings the ICMP destination-unreachables quoting its SYNs (reported as ICMP4 + code);
   * false when the kernel refused the ring and a raw TCP socket reads the TCP answers only.
   * Absent from a module built before it existed.
   */
  readsIcmp4?(scanner: NativeScanner): boolean;
  /** Connect scanner: sockets still open (0 after close). */
  openSockets(scanner: NativeScanner): number;
  /**
   * A tracer (native/trace.c): sends traceroute probes and reads their answers with the
   * kernel's receive timestamps. Answer i is `buf[i*256 ..)`, `meta[i*4 ..]` = [receive ns since
   * open, length, socket (0 ICMP, 1 TCP), 1 when the time is the kernel's timestamp].
   */
  traceOpen(
    options: { probe: 'udp' | 'icmp' | 'tcp'; target: string },
    buf: Uint8Array,
    meta: Float64Array,
    onPackets: (count: number) => void,
  ): { handle: NativeTracer; port: number };
  /** Sends one probe (UDP: to `port`); the send time in ns since open, or -1 when the kernel refused it. */
  traceSend(tracer: NativeTracer, bytes: Uint8Array, ttl: number, port: number): number;
  traceClose(tracer: NativeTracer): void;
}

/** An open tracer: an opaque handle owned by the native module. */
export type NativeTracer = { readonly __brand: 'wirelab_probe tracer' };

/** Bytes of each answer slot in a tracer's buffer (native/trace.c SNAP), and numbers per slot in its meta array. */
export const TRACE_SNAP = 256;
export const TRACE_META = 4;

/**
 * Threads a native scanner sends on. Connect scans: one per core, at most 4: over loopback and
 * veth the kernel answers each connect() inside the call, so that work spreads over the cores
 * (65535 loopback ports on 2 cores: 0.55-0.69 s with 2 threads, 1.03-1.27 s with 1). SYN scans:
 * one, because the answers come back through the one raw socket that every thread would send
 * on, and the threads then contend for it (0.41-0.49 s with 1 thread, 0.52-0.61 s with 2).
 */
export function sendThreads(method: 'syn' | 'connect', requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.min(8, Math.floor(requested)));
  return method === 'syn' ? 1 : Math.min(4, availableParallelism());
}

/**
 * Answer codes in the (port, code) pairs: a negative code is -errno of a failed connect();
 * UDP scans, and SYN scans for the unreachables they read (see `readsIcmp4`), report ICMP
 * destination-unreachables as ICMP4 + code and ICMP6 + code.
 */
export const NATIVE = { OPEN: 1, CLOSED: 2, SELF_CONNECT: 3, ICMP4: 1000, ICMP6: 2000 } as const;

const addon = nativeAddon<NativeProbe>('wirelab_probe', {
  off: () => (process.env.WIRELAB_PORTABLE_SCAN === '1' ? 'WIRELAB_PORTABLE_SCAN=1' : undefined),
});

/** The native module, or undefined (see `nativeProbeError`) when it is not built or will not load. */
export function nativeProbe(): NativeProbe | undefined {
  return addon.get();
}

/** Why the native module is not in use, or undefined when it is. */
export function nativeProbeError(): string | undefined {
  return addon.error();
}
