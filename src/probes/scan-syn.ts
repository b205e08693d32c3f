import { randomInt } from 'node:crypto';
import { EnvironmentError, UsageError } from '../errors.js';
import { ipv4Int, parseIcmp, parseIpv4, parseTcp, routeSource, SynFactory, TCP, unreach6Reason, unreachReason } from './packet.js';
import { parsePorts } from './ports.js';
import { RAW_FIX, RawChannel } from './raw.js';
import { NATIVE, nativeProbe, nativeProbeError, sendThreads, type NativeProbe, type NativeScanner } from './native.js';
import { ScanEngine, type ScanTransport } from './scan-engine.js';
import { loadServices } from './services.js';
import type { ScanOptions, ScanResult } from './scan-types.js';
import { checkTarget } from './target.js';

/**
 * The native transport: SYNs built and sent in batches by native/probe.c, answers read there
 * behind a BPF filter and handed over as (port, code) pairs, many per call. `readsIcmp`: the
 * module reads the ICMP unreachables too (IPv4: its receive ring; IPv6: always).
 */
function nativeSynTransport(
  native: NativeProbe,
  engine: ScanEngine,
  options: { source: string; target: string; sport: number; seqBase: number; threads: number; ports: number },
  onClose: (close: () => void) => void,
): ScanTransport & { readsIcmp: boolean } {
  const answers = new Int32Array(2 * 4096);
  const rtts = new Float64Array(65536);
  let scanner: NativeScanner;
  try {
    scanner = native.open(
      { mode: 'syn', ...options },
      answers,
      (pairs) =>
        engine.batch(() => {
          for (let i = 0; i < 2 * pairs; i += 2) {
            const port = answers[i];
            const code = answers[i + 1];
            if (code === NATIVE.OPEN) engine.answer(port, 'open', 'syn-ack', 'SYN/ACK', rtts[port]);
            else if (code === NATIVE.CLOSED) engine.answer(port, 'closed', 'reset', 'RST', rtts[port]);
            else if (code >= NATIVE.ICMP6) {
              const reason = unreach6Reason(code - NATIVE.ICMP6);
              engine.answer(port, 'filtered', reason, `ICMPv6 ${reason}`, rtts[port]);
            } else if (code >= NATIVE.ICMP4) {
              const reason = unreachReason(code - NATIVE.ICMP4);
              engine.answer(port, 'filtered', reason, `ICMP ${reason}`, rtts[port]);
            }
          }
        }),
      rtts,
    );
  } catch (err) {
    if ((err as { code?: string }).code === 'EPERM') {
      throw new EnvironmentError(
        `raw sockets are not permitted for this process (${(err as Error).message}); SYN scans need CAP_NET_RAW`,
        RAW_FIX,
        'raw-not-permitted',
      );
    }
    throw err;
  }
  onClose(() => native.close(scanner));
  const readsIcmp = options.target.includes(':') || native.readsIcmp4?.(scanner) === true;
  const pending = new Uint16Array(65536);
  const none = new Int32Array(0);
  let count = 0;
  return {
    readsIcmp,
    send(port) {
      pending[count++] = port;
    },
    cancel() {},
    flush() {
      if (count) native.send(scanner, pending, count, none);
      count = 0;
    },
    poll() {
      native.poll?.(scanner);
    },
  };
}

/** SYNs in flight by default; replies wait in an 8 MiB raw receive buffer. */
export const SYN_WINDOW = 2048;

/**
 * TCP SYN scan (nmap -sS) over IPv4 raw sockets. Each probe is a SYN (window 1024, MSS 1460)
 * from one source port chosen per scan, with sequence number `base + port`. A raw TCP socket
 * reads the answers: SYN/ACK → open (syn-ack), RST → closed (reset), both only when they
 * acknowledge our sequence number. A raw ICMP socket reads destination-unreachable errors that
 * quote our probe → filtered (port-unreach, host-unreach, admin-prohibited…). No answer after
 * `tries` probes (default 2) → filtered (no-response). The kernel has no socket for our source
 * port, so it answers every SYN/ACK with a RST itself, as with nmap. IPv6 targets need the
 * native module, which also reads their ICMPv6 unreachables; the portable path is IPv4 only.
 */
export async function synScan(opts: ScanOptions): Promise<ScanResult> {
  const { address, family } = checkTarget(opts.target, opts.allow);
  const ports = parsePorts(opts.ports);
  const native = opts.portable ? undefined : nativeProbe();
  if (family !== 4 && !native) {
    throw new UsageError(
      `SYN scan of IPv6 targets needs the native scan module (${nativeProbeError() ?? 'not in use'}); use --connect for IPv6`,
    );
  }
  const source = await routeSource(address);
  const sport = opts.sourcePort ?? randomInt(40000, 60000);
  const base = randomInt(0, 2 ** 32);
  const seqOf = (port: number) => (base + port) >>> 0;
  loadServices();
  const engine = new ScanEngine(ports, opts, SYN_WINDOW);

  const targetInt = family === 4 ? ipv4Int(address) : 0;
  // hot path: one call per TCP datagram the host receives, so no parsing objects here
  const onTcp = (pkt: Buffer, len: number) => {
    if (len < 40 || pkt[9] !== 6 || pkt.readUInt32BE(12) !== targetInt) return;
    const t = (pkt[0] & 0x0f) * 4;
    if (len < t + 14 || pkt.readUInt16BE(t + 2) !== sport) return;
    const flags = pkt[t + 13];
    if (!(flags & (TCP.ACK | TCP.RST))) return;
    const port = pkt.readUInt16BE(t);
    if (pkt.readUInt32BE(t + 8) !== (seqOf(port) + 1) >>> 0 || !engine.isWaiting(port)) return;
    if ((flags & (TCP.SYN | TCP.ACK)) === (TCP.SYN | TCP.ACK)) engine.answer(port, 'open', 'syn-ack', 'SYN/ACK');
    else if (flags & TCP.RST) engine.answer(port, 'closed', 'reset', 'RST');
  };
  const onIcmp = (pkt: Buffer, len: number) => {
    const ip = parseIpv4(pkt.subarray(0, len));
    const icmp = ip && ip.proto === 1 ? parseIcmp(ip.payload) : undefined;
    const q = icmp?.type === 3 ? icmp.quoted : undefined;
    if (!q || q.dst !== address || q.proto !== 6) return;
    const tcp = parseTcp(q.payload);
    if (!tcp || tcp.sport !== sport || tcp.seq !== seqOf(tcp.dport)) return;
    const reason = unreachReason(icmp!.code);
    engine.answer(tcp.dport, 'filtered', reason, `ICMP ${reason}`);
  };

  let closeTcp: () => void = () => {};
  let icmpSock: RawChannel | undefined;
  let icmpInJs = family === 4;
  try {
    if (native) {
      const transport = nativeSynTransport(
        native,
        engine,
        { source, target: address, sport, seqBase: base, threads: sendThreads('syn', opts.threads), ports: ports.length },
        (close) => (closeTcp = close),
      );
      // without the receive ring, the ICMP unreachables are read here (below): polled too
      engine.transport = {
        ...transport,
        poll() {
          transport.poll?.();
          icmpSock?.poll();
        },
      };
      icmpInJs = !transport.readsIcmp;
    } else {
      const tcpSock = new RawChannel('tcp', onTcp);
      closeTcp = () => tcpSock.close();
      const syn = new SynFactory(source, address, sport);
      engine.transport = {
        send(port) {
          tcpSock.send(syn.build(port, seqOf(port)), address);
        },
        cancel() {},
        poll() {
          tcpSock.poll();
          icmpSock?.poll();
        },
      };
    }
    // the native module reads ICMPv6, and IPv4 ICMP when it has its receive ring; else it is read here
    if (icmpInJs) icmpSock = new RawChannel('icmp', onIcmp, 1 << 20);
    await engine.run();
  } finally {
    closeTcp();
    icmpSock?.close();
  }
  // IPv4 ICMP unreachables read by the RawChannel above are timed in JavaScript
  return engine.result(address, 'syn', native ? 'native' : 'portable', native ? 'kernel' : 'userspace');
}
