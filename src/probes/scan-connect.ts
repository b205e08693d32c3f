import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { NATIVE, nativeProbe, sendThreads, type NativeProbe } from './native.js';
import { parsePorts } from './ports.js';
import { UNREACHABLE_ERRORS, type ErrnoAnswer } from './scan-errors.js';
import { ScanEngine } from './scan-engine.js';
import { loadServices } from './services.js';
import type { ScanOptions, ScanResult } from './scan-types.js';
import { checkTarget } from './target.js';
import { type ConnectOutcome, type Connector, handleConnector } from './tcp-handle.js';

/** The portable connector: one net.Socket per probe, closed with resetAndDestroy() when it connected. */
export const socketConnector: Connector = {
  connect(address, _family, port, done) {
    const s = new Socket();
    s.once('connect', () => {
      const selfConnect = s.localPort === port && s.localAddress === s.remoteAddress;
      s.resetAndDestroy();
      done({ ok: true, selfConnect });
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      s.destroy();
      done({ ok: false, code: err.code ?? 'EIO' });
    });
    s.connect({ port, host: address });
    return () => {
      s.removeAllListeners();
      s.on('error', () => {});
      s.destroy();
    };
  },
};

/** errno numbers (Linux) of the errors a connect() can end with, for the native transport's -errno codes. */
const ERRNO_NAMES = new Map<number, string>(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));

/**
 * Connect errors that say nothing about the port: this machine ran out of something. The probe
 * stays unanswered, times out and is sent again, as if the SYN had been lost.
 */
const LOCAL_TROUBLE = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EAGAIN', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'EINTR']);

/** errno name of a failed connect() → the engine's answer (none for local trouble). */
function settleError(engine: ScanEngine, port: number, code: string, rttMs?: number): void {
  const known = ERRORS[code];
  if (known) engine.answer(port, known.state, known.reason, known.answer, rttMs);
  else if (!LOCAL_TROUBLE.has(code)) engine.answer(port, 'filtered', code.toLowerCase(), code, rttMs);
}

/**
 * The native transport: non-blocking connects made and collected (epoll) by native/probe.c,
 * answers handed over as (port, code) pairs. Returns the function that closes the scanner.
 */
function nativeConnectTransport(native: NativeProbe, engine: ScanEngine, address: string, threads: number): () => void {
  const answers = new Int32Array(2 * 4096);
  const now = new Int32Array(2 * 65536);
  const rtts = new Float64Array(65536);
  const settle = (buf: Int32Array, pairs: number) => {
    for (let i = 0; i < 2 * pairs; i += 2) {
      const port = buf[i];
      const code = buf[i + 1];
      if (code === NATIVE.OPEN) engine.answer(port, 'open', 'syn-ack', 'SYN/ACK', rtts[port]);
      else if (code === NATIVE.SELF_CONNECT) engine.answer(port, 'closed', 'conn-refused', 'RST', rtts[port]);
      else settleError(engine, port, ERRNO_NAMES.get(-code) ?? `E${-code}`, rtts[port]);
    }
  };
  const scanner = native.open(
    { mode: 'connect', target: address, threads },
    answers,
    (pairs) => engine.batch(() => settle(answers, pairs)),
    rtts,
  );
  const pending = new Uint16Array(65536);
  let count = 0;
  engine.transport = {
    send(port) {
      pending[count++] = port;
    },
    cancel(port) {
      native.cancel(scanner, port);
    },
    flush() {
      if (!count) return;
      const n = count;
      count = 0;
      const pairs = native.send(scanner, pending, n, now);
      if (pairs) engine.batch(() => settle(now, pairs));
    },
    poll() {
      native.poll?.(scanner);
    },
  };
  return () => native.close(scanner);
}

/** Connect sockets in flight by default: far below the fd limit, enough to saturate loopback. */
export const CONNECT_WINDOW = 256;

/** errno of a failed connect() → nmap -sT state and reason. */
const ERRORS: Record<string, ErrnoAnswer> = {
  // RST, and also ICMP port-unreachable: the kernel reports both as ECONNREFUSED, so nmap -sT
  // shows `closed (conn-refused)` for a `reject` (ICMP) firewall rule too.
  ECONNREFUSED: { state: 'closed', reason: 'conn-refused', answer: 'RST' },
  ...UNREACHABLE_ERRORS,
};

/**
 * TCP connect scan (nmap -sT) with non-blocking sockets: a bounded window of connects, the
 * engine's adaptive timeout and one retry. Sockets are libuv TCP handles (tcp-handle.ts), or
 * net.Socket objects with `useHandles: false` or where the handles are unavailable.
 * Connected → open (syn-ack), closed with RST (uv_tcp_close_reset, as `resetAndDestroy()`) so
 * no TIME_WAIT is left behind; ECONNREFUSED → closed (conn-refused);
 * ICMP host/net unreachable → filtered; silence twice → filtered (no-response).
 * A Linux self-connect (the kernel picked the scanned port as source port) is no listener and
 * counts as closed.
 */
export async function connectScan(opts: ScanOptions): Promise<ScanResult> {
  const { address } = checkTarget(opts.target, opts.allow);
  const ports = parsePorts(opts.ports);
  loadServices();
  const engine = new ScanEngine(ports, opts, CONNECT_WINDOW);
  engine.exactAttempts = true; // each try is a socket of its own, the previous one closed
  const family = address.includes(':') ? 6 : 4;
  const native = opts.portable ? undefined : nativeProbe();
  if (native) {
    const close = nativeConnectTransport(native, engine, address, sendThreads('connect', opts.threads));
    try {
      await engine.run();
    } finally {
      close();
    }
    return engine.result(address, 'connect', 'native', 'native');
  }
  const connector = (opts.useHandles ?? true) ? handleConnector() : undefined;
  const cancels = new Map<number, () => void>();
  const settle = (port: number, outcome: ConnectOutcome) => {
    cancels.delete(port);
    if (outcome.ok) {
      if (outcome.selfConnect) engine.answer(port, 'closed', 'conn-refused', 'RST');
      else engine.answer(port, 'open', 'syn-ack', 'SYN/ACK');
      return;
    }
    settleError(engine, port, outcome.code);
  };
  engine.transport = {
    send(port) {
      cancels.set(
        port,
        (connector ?? socketConnector).connect(address, family, port, (o) => settle(port, o)),
      );
    },
    cancel(port) {
      cancels.get(port)?.();
      cancels.delete(port);
    },
  };
  try {
    await engine.run();
  } finally {
    for (const cancel of cancels.values()) cancel();
  }
  return engine.result(address, 'connect', 'portable');
}
