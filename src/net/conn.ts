import { Socket, isIPv6 } from 'node:net';
import type { HostContext, HostOp, Resource } from '../hosts/context.js';

/** How much to read: one line, a byte count, a regex match, or the end of the stream. */
export type ReadUntil =
  { mode: 'line' } | { mode: 'bytes'; count: number } | { mode: 'regex'; source: string; flags?: string } | { mode: 'eof' };

export interface ReadResult {
  /** What was consumed (base64): the matched data, or everything buffered on timeout/EOF. */
  data: string;
  /** The condition was met. */
  complete: boolean;
  /** The peer closed its side. */
  eof: boolean;
  timedOut: boolean;
}

export type ConnectOutcome = 'open' | 'refused' | 'timeout' | 'unreachable';

const MAX_BUFFER = 16 * 1024 * 1024;

/** A client TCP connection whose received bytes are buffered for `connRead`. */
class Conn implements Resource {
  buffer: Buffer = Buffer.alloc(0);
  eof = false;
  error: Error | undefined;
  private waiter: (() => void) | undefined;

  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
      if (this.buffer.length > MAX_BUFFER) socket.pause();
      this.wake();
    });
    socket.on('end', () => {
      this.eof = true;
      this.wake();
    });
    socket.on('error', (e) => {
      this.error = e;
      this.eof = true;
      this.wake();
    });
    socket.on('close', () => {
      this.eof = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Resolves when new data or EOF arrives, or after `ms`. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = undefined;
        resolve();
      }, ms);
      this.waiter = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    if (this.socket.isPaused() && this.buffer.length < MAX_BUFFER) this.socket.resume();
    return out;
  }

  async close(): Promise<void> {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }
}

/** Where the wanted data ends in `buf`, or -1 if it has not all arrived. */
function findEnd(buf: Buffer, until: ReadUntil, eof: boolean): number {
  switch (until.mode) {
    case 'line': {
      const i = buf.indexOf(0x0a);
      return i >= 0 ? i + 1 : -1;
    }
    case 'bytes':
      return buf.length >= until.count ? until.count : -1;
    case 'regex': {
      const m = new RegExp(until.source, (until.flags ?? '').replace('g', '')).exec(buf.toString('utf8'));
      return m ? Buffer.byteLength(buf.toString('utf8').slice(0, m.index + m[0].length)) : -1;
    }
    case 'eof':
      return eof ? buf.length : -1;
  }
}

export const connOpen: HostOp<
  { address: string; port: number; timeoutMs: number },
  { outcome: ConnectOutcome; id?: string; local?: string; remote?: string; error?: string }
> = async ({ address, port, timeoutMs }, ctx: HostContext) => {
  const socket = new Socket({ allowHalfOpen: true });
  socket.setNoDelay(true);
  const result = await new Promise<{ outcome: ConnectOutcome; error?: string }>((resolve) => {
    const timer = setTimeout(() => resolve({ outcome: 'timeout', error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ outcome: 'open' });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ECONNREFUSED') resolve({ outcome: 'refused', error: e.message });
      else if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') resolve({ outcome: 'unreachable', error: e.message });
      else resolve({ outcome: 'refused', error: `${e.code ?? ''} ${e.message}`.trim() });
    });
    socket.connect({ host: address, port });
  });
  if (result.outcome !== 'open') {
    socket.destroy();
    return result;
  }
  const conn = new Conn(socket);
  const id = ctx.track('conn', conn);
  const fmt = (a: string | undefined, p: number | undefined) => (a && isIPv6(a) ? `[${a}]:${p}` : `${a}:${p}`);
  return { outcome: 'open', id, local: fmt(socket.localAddress, socket.localPort), remote: fmt(socket.remoteAddress, socket.remotePort) };
};

export const connSend: HostOp<{ id: string; data: string }, { bytes: number }> = async ({ id, data }, ctx) => {
  const conn = ctx.get<Conn>(id, 'conn');
  const bytes = Buffer.from(data, 'base64');
  if (conn.socket.destroyed || conn.socket.writableEnded) throw new Error('the connection is closed; nothing can be sent');
  await new Promise<void>((resolve, reject) => conn.socket.write(bytes, (e) => (e ? reject(e) : resolve())));
  return { bytes: bytes.length };
};

export const connRead: HostOp<{ id: string; until: ReadUntil; timeoutMs: number }, ReadResult> = async ({ id, until, timeoutMs }, ctx) => {
  const conn = ctx.get<Conn>(id, 'conn');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const end = findEnd(conn.buffer, until, conn.eof);
    if (end >= 0) {
      const eofNow = conn.eof && conn.buffer.length === end;
      return { data: conn.take(end).toString('base64'), complete: true, eof: eofNow, timedOut: false };
    }
    const left = deadline - Date.now();
    if (conn.eof || left <= 0) {
      return { data: conn.take(conn.buffer.length).toString('base64'), complete: false, eof: conn.eof, timedOut: !conn.eof };
    }
    await conn.wait(left);
  }
};

/**
 * Closes a connection: `reset` aborts with RST; otherwise sends FIN and waits (bounded) for
 * the peer's FIN so the capture shows the whole teardown.
 */
export const connClose: HostOp<{ id: string; reset?: boolean; timeoutMs: number }, { peerClosed: boolean; unread: string }> = async (
  { id, reset, timeoutMs },
  ctx,
) => {
  const conn = ctx.get<Conn>(id, 'conn');
  if (reset) {
    const unread = conn.take(conn.buffer.length).toString('base64');
    await ctx.release(id);
    return { peerClosed: false, unread };
  }
  conn.socket.end();
  const deadline = Date.now() + timeoutMs;
  while (!conn.eof && Date.now() < deadline) await conn.wait(deadline - Date.now());
  const unread = conn.take(conn.buffer.length).toString('base64');
  const peerClosed = conn.eof;
  if (peerClosed) conn.socket.destroy();
  await ctx.release(id);
  return { peerClosed, unread };
};

export const connOps = { connOpen, connSend, connRead, connClose };
