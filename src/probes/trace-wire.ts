import { createSocket, type Socket } from 'node:dgram';
import { nativeProbe, type NativeTracer, TRACE_META, TRACE_SNAP } from './native.js';
import { EnvironmentError } from '../errors.js';
import { RAW_FIX, RawChannel } from './raw.js';

/** Where a trace's round-trip times come from. */
export type TraceTimeSource = 'kernel' | 'userspace';

/**
 * How traceroute probes travel and how their times are taken. `send` calls `sent(atMs)` once
 * the probe is on its way (times in ms on the wire's own clock); answers reach `onAnswer` with
 * their arrival time on the same clock.
 */
export interface ProbeWire {
  readonly engine: 'native' | 'portable';
  /**
   * `kernel`: each answer's time is the kernel's receive timestamp (SO_TIMESTAMPNS) and each
   * send time is read at the send call; `userspace`: some answer was timed when a process read
   * it (the portable path: when JavaScript saw it), which adds the event loop's delays.
   */
  timeSource(): TraceTimeSource;
  send(index: number, bytes: Buffer, ttl: number, port: number, sent: (atMs: number) => void): void;
  /** The source port probe `index` left from (UDP). */
  udpSource(index: number): number | undefined;
  close(): void;
}

export type AnswerHandler = (pkt: Buffer, socket: 'icmp' | 'tcp', atMs: number) => void;

const SLOTS = 256;

/** The native tracer (native/trace.c), or undefined when the module is not built. */
export function nativeWire(protocol: 'udp' | 'icmp' | 'tcp', target: string, onAnswer: AnswerHandler): ProbeWire | undefined {
  const native = nativeProbe();
  if (!native?.traceOpen) return undefined;
  const buf = new Uint8Array(SLOTS * TRACE_SNAP);
  const meta = new Float64Array(SLOTS * TRACE_META);
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let kernelOnly = true;
  let handle: NativeTracer | undefined;
  let opened: ReturnType<typeof native.traceOpen>;
  try {
    opened = native.traceOpen({ probe: protocol, target }, buf, meta, (count) => {
      for (let i = 0; i < count && handle; i++) {
        const m = i * TRACE_META;
        if (meta[m + 3] !== 1) kernelOnly = false;
        onAnswer(view.subarray(i * TRACE_SNAP, i * TRACE_SNAP + meta[m + 1]), meta[m + 2] === 1 ? 'tcp' : 'icmp', meta[m] / 1e6);
      }
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'EPERM') {
      throw new EnvironmentError(
        `raw sockets are not permitted for this process (${(err as Error).message}); traceroute needs CAP_NET_RAW`,
        RAW_FIX,
        'raw-not-permitted',
      );
    }
    throw err;
  }
  handle = opened.handle;
  return {
    engine: 'native',
    timeSource: () => (kernelOnly ? 'kernel' : 'userspace'),
    send(_index, bytes, ttl, port, sent) {
      const at = native.traceSend(handle!, bytes, ttl, port);
      if (at >= 0) sent(at / 1e6);
    },
    udpSource: () => opened.port,
    close() {
      if (handle) native.traceClose(handle);
      handle = undefined;
    },
  };
}

/**
 * The portable path (raw-socket and Node's dgram): times are `performance.now()` when
 * JavaScript sends and when it sees the answer, so they include the event loop's delays.
 */
export function portableWire(protocol: 'udp' | 'icmp' | 'tcp', target: string, onAnswer: AnswerHandler): ProbeWire {
  const icmp = new RawChannel('icmp', (pkt, len) => onAnswer(Buffer.from(pkt.subarray(0, len)), 'icmp', performance.now()), 1 << 20);
  let tcp: RawChannel | undefined;
  try {
    if (protocol === 'tcp')
      tcp = new RawChannel('tcp', (pkt, len) => onAnswer(Buffer.from(pkt.subarray(0, len)), 'tcp', performance.now()));
  } catch (err) {
    icmp.close();
    throw err;
  }
  const sockets: Socket[] = [];
  const sources = new Map<number, number>();
  return {
    engine: 'portable',
    timeSource: () => 'userspace',
    send(index, bytes, ttl, port, sent) {
      if (protocol !== 'udp') {
        const raw = tcp ?? icmp;
        raw.setTtl(ttl);
        const at = performance.now();
        if (raw.send(bytes, target)) sent(at);
        return;
      }
      const s = createSocket('udp4');
      sockets.push(s);
      s.on('error', () => {}); // ICMP errors are read from the raw socket
      s.bind(0, () => {
        s.setTTL(ttl);
        sources.set(index, s.address().port);
        sent(performance.now());
        s.send(bytes, port, target);
      });
    },
    udpSource: (index) => sources.get(index),
    close() {
      for (const s of sockets) s.close();
      icmp.close();
      tcp?.close();
    },
  };
}
