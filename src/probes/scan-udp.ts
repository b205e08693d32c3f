import { createSocket, type Socket } from 'node:dgram';
import { EnvironmentError } from '../errors.js';
import { parseIcmp, parseIpv4, parseUdpPorts, unreach6Reason, unreachReason } from './packet.js';
import { NATIVE, nativeProbe, type NativeProbe } from './native.js';
import { RawChannel } from './raw.js';
import { parsePorts } from './ports.js';
import { UNREACHABLE_ERRORS, type ErrnoAnswer } from './scan-errors.js';
import { udpPayload } from './payloads.js';
import { ScanEngine, UDP_SCAN } from './scan-engine.js';
import { loadServices } from './services.js';
import type { ScanOptions, ScanResult } from './scan-types.js';
import { checkTarget } from './target.js';

/** UDP probes in flight by default on the portable path, where each holds a socket. */
export const UDP_WINDOW = 64;
/** ... and on the native path, where all share one socket. */
export const UDP_WINDOW_NATIVE = 512;

/**
 * The probe log's answer for the port the scanner's own socket holds when the target is this
 * very address: such a probe would come back to the scanner itself. The kernel handed out the
 * port because no one had it, so it is closed, as the kernel answers without the scanner.
 */
const OWN_PORT = "not sent: the scanner's own port (free when the kernel gave it out: closed)";

/**
 * The native transport: one unconnected UDP socket in native/probe.c with IP_RECVERR, so every
 * ICMP error a probe provokes comes back with the probe's destination port and the exact ICMP
 * code, with no privilege; replies are matched by their source port.
 */
function nativeUdpTransport(native: NativeProbe, engine: ScanEngine, address: string): () => void {
  const answers = new Int32Array(2 * 4096);
  const rtts = new Float64Array(65536);
  const settle = (buf: Int32Array, pairs: number) =>
    engine.batch(() => {
      for (let i = 0; i < 2 * pairs; i += 2) {
        const port = buf[i];
        const code = buf[i + 1];
        if (code === NATIVE.OPEN) engine.answer(port, 'open', 'udp-response', 'UDP', rtts[port]);
        else if (code === NATIVE.SELF_CONNECT) engine.answer(port, 'closed', 'port-unreach', OWN_PORT);
        else if (code >= NATIVE.ICMP6) {
          const c = code - NATIVE.ICMP6;
          const reason = unreach6Reason(c);
          engine.answer(port, c === 4 ? 'closed' : 'filtered', reason, `ICMPv6 ${reason}`, rtts[port]);
        } else if (code >= NATIVE.ICMP4) {
          const c = code - NATIVE.ICMP4;
          const reason = unreachReason(c);
          engine.answer(port, c === 3 ? 'closed' : 'filtered', reason, `ICMP ${reason}`, rtts[port]);
        }
      }
    });
  const scanner = native.open({ mode: 'udp', target: address }, answers, (pairs) => settle(answers, pairs), rtts);
  const now = new Int32Array(2 * 65536);
  const ports = new Uint16Array(65536);
  const attempts = new Uint8Array(65536);
  let count = 0;
  engine.transport = {
    send(port, attempt) {
      ports[count] = port;
      attempts[count++] = attempt;
    },
    cancel() {},
    flush() {
      if (!count) return;
      const offsets = new Uint32Array(count + 1);
      const chunks: Buffer[] = [];
      let size = 0;
      for (let i = 0; i < count; i++) {
        const p = udpPayload(ports[i], attempts[i]);
        chunks.push(p);
        size += p.length;
        offsets[i + 1] = size;
      }
      const n = count;
      count = 0;
      const pairs = native.send(scanner, ports, n, now, Buffer.concat(chunks, size), offsets);
      if (pairs) settle(now, pairs);
    },
    poll() {
      native.poll?.(scanner);
    },
  };
  return () => native.close(scanner);
}

/**
 * How the kernel reports what came back for a connected UDP socket (Linux icmp_err_convert):
 * port-unreachable is ECONNREFUSED (closed); the other destination-unreachable codes are the
 * errors below (filtered). Host-prohibited and admin-prohibited arrive as EHOSTUNREACH too, so
 * the reason names the errno's ICMP kind; the state is nmap's either way.
 */
const ERRORS: Record<string, ErrnoAnswer> = {
  ECONNREFUSED: { state: 'closed', reason: 'port-unreach', answer: 'ICMP port-unreach' },
  ...UNREACHABLE_ERRORS,
};

/**
 * UDP scan (nmap -sU): one connected UDP socket per probe in flight, so the kernel hands the
 * ICMP error a probe provokes to that socket. Linux reports only the "hard" errors that way
 * (port, protocol and admin-prohibited unreachables); where the process may open a raw ICMP
 * socket (root, CAP_NET_RAW), that socket reads every destination-unreachable quoting one of
 * our probes, so host- and net-unreachable count as filtered too, with nmap's exact reason.
 * Without it those two look like silence (open|filtered). IPv6 targets use the socket errors.
 * Each probe carries nmap's payload for the port (from nmap-payloads when nmap is installed;
 * the retransmission takes the port's next payload, as nmap's try number does), else nothing.
 * Any datagram back → open (udp-response); ICMP port-unreachable → closed; other ICMP
 * unreachables → filtered; silence after `tries` probes → open|filtered (no-response).
 */
export async function udpScan(opts: ScanOptions): Promise<ScanResult> {
  const { address, family } = checkTarget(opts.target, opts.allow);
  const ports = parsePorts(opts.ports);
  loadServices();
  const native = opts.portable ? undefined : nativeProbe();
  if (native) {
    const engine = new ScanEngine(ports, opts, UDP_WINDOW_NATIVE, UDP_SCAN);
    const close = nativeUdpTransport(native, engine, address);
    try {
      await engine.run();
    } finally {
      close();
    }
    return engine.result(address, 'udp', 'native', 'kernel');
  }
  const engine = new ScanEngine(ports, opts, UDP_WINDOW, UDP_SCAN);
  const sockets = new Map<number, Socket>();
  /** our source port → scanned port, for matching the probes that ICMP errors quote */
  const bySource = new Map<number, number>();
  const drop = (port: number) => {
    const s = sockets.get(port);
    if (!s) return;
    sockets.delete(port);
    try {
      bySource.delete(s.address().port);
    } catch {
      // never bound
    }
    s.removeAllListeners();
    s.on('error', () => {});
    s.close();
  };
  const icmp =
    family === 4
      ? openIcmp(address, bySource, (port, state, reason) => {
          drop(port);
          engine.answer(port, state, reason, `ICMP ${reason}`);
        })
      : undefined;
  engine.transport = {
    send(port, attempt) {
      drop(port);
      const s = createSocket(family === 6 ? 'udp6' : 'udp4');
      sockets.set(port, s);
      s.once('message', (_msg, from) => {
        const own = from.port === s.address().port && from.address === s.address().address;
        drop(port);
        // a socket whose kernel-chosen port is the scanned one reads its own probe (see OWN_PORT)
        if (own) engine.answer(port, 'closed', 'port-unreach', OWN_PORT);
        else engine.answer(port, 'open', 'udp-response', 'UDP');
      });
      // an ICMP error arrives as an error of the next receive; a send can fail at once (no route)
      const settle = (err: NodeJS.ErrnoException | null) => {
        if (!err || sockets.get(port) !== s) return;
        const known = ERRORS[err.code ?? ''];
        if (!known && err.syscall !== 'recvmsg') return; // a local failure to send: the probe times out and is sent again
        drop(port);
        if (known) engine.answer(port, known.state, known.reason, known.answer);
        else engine.answer(port, 'filtered', (err.code ?? 'error').toLowerCase(), err.code ?? 'error');
      };
      s.on('error', settle);
      s.connect(port, address, () => {
        if (sockets.get(port) !== s) return;
        bySource.set(s.address().port, port);
        s.send(udpPayload(port, attempt), settle);
      });
    },
    cancel(port) {
      drop(port);
    },
  };
  try {
    await engine.run();
  } finally {
    for (const port of [...sockets.keys()]) drop(port);
    icmp?.close();
  }
  return engine.result(address, 'udp', 'portable');
}

/**
 * A raw ICMP socket that answers probes from the destination-unreachable messages quoting them
 * (port-unreachable → closed, any other code → filtered); undefined when raw sockets are not
 * permitted to this process.
 */
function openIcmp(
  target: string,
  bySource: Map<number, number>,
  answer: (port: number, state: 'closed' | 'filtered', reason: string) => void,
): RawChannel | undefined {
  try {
    return new RawChannel(
      'icmp',
      (pkt, len) => {
        const ip = parseIpv4(pkt.subarray(0, len));
        const msg = ip?.proto === 1 ? parseIcmp(ip.payload) : undefined;
        const q = msg?.type === 3 ? msg.quoted : undefined;
        if (!q || q.dst !== target || q.proto !== 17) return;
        const udp = parseUdpPorts(q.payload);
        const port = udp && bySource.get(udp.sport);
        if (port === undefined || port !== udp!.dport) return;
        answer(port, msg!.code === 3 ? 'closed' : 'filtered', unreachReason(msg!.code));
      },
      1 << 20,
    );
  } catch (err) {
    if (err instanceof EnvironmentError) return undefined;
    throw err;
  }
}
