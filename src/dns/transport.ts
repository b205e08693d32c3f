/**
 * Sending one DNS message and waiting for its reply: over UDP (one connected socket reused
 * for a whole resolution; replies with another id are ignored) or TCP (a connection per
 * message, 2-byte length prefix). Timeouts and socket errors come back as `error`, never thrown.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';

export interface Endpoint {
  address: string;
  port: number;
}
export interface Reply {
  message?: Buffer;
  error?: string;
}

/** A UDP exchanger bound to one server; call `close()` when done. */
export class UdpChannel {
  private sock: UdpSocket;
  private ready: Promise<void>;
  private waiter?: (r: Reply) => void;
  private lastError?: string;

  constructor(readonly server: Endpoint) {
    this.sock = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');
    this.sock.on('message', (msg) => {
      // only a reply to the outstanding id; anything else is a stray (late retry answer)
      if (this.waiter && msg.length >= 12 && msg.readUInt16BE(0) === this.expectId) this.settle({ message: msg });
    });
    this.sock.on('error', (e: NodeJS.ErrnoException) => {
      this.lastError = e.code ?? e.message;
      this.settle({ error: this.lastError });
    });
    this.ready = new Promise((resolve) => {
      this.sock.connect(server.port, server.address, () => resolve());
      this.sock.once('error', () => resolve());
    });
  }

  private expectId = -1;

  private settle(r: Reply): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(r);
  }

  /** Sends `query` and waits up to `timeoutMs` for the reply with the same id. */
  async exchange(query: Buffer, timeoutMs: number): Promise<Reply> {
    await this.ready;
    if (this.lastError) return { error: this.lastError };
    this.expectId = query.readUInt16BE(0);
    return new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => this.settle({ error: `timeout after ${timeoutMs} ms` }), timeoutMs);
      this.waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.sock.send(query, (err) => {
        if (err) this.settle({ error: (err as NodeJS.ErrnoException).code ?? err.message });
      });
    });
  }

  close(): void {
    try {
      this.sock.close();
    } catch {
      /* already closed */
    }
  }
}

/** One query over a fresh TCP connection. */
export function exchangeTcp(server: Endpoint, query: Buffer, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve) => {
    const sock = connect({ host: server.address, port: server.port });
    let buf: Buffer = Buffer.alloc(0);
    const done = (r: Reply) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ error: `timeout after ${timeoutMs} ms` }), timeoutMs);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done({ message: buf.subarray(2, 2 + buf.readUInt16BE(0)) });
    });
    sock.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    sock.on('end', () => done({ error: 'connection closed before a reply' }));
  });
}
