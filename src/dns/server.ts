/**
 * The authoritative DNS server fixture: UDP and TCP on the same port of one or more addresses
 * (port 0 picks a free one), answering from compiled zones (respond.ts), recording every
 * query and reply it serves.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { respond, type ServedTransaction } from './respond.js';
import { compileZones, type ZoneSpec } from './zone.js';

export interface DnsServerOptions {
  zones: ZoneSpec[];
  /** Address(es) to listen on; default 127.0.0.1. All share one port. */
  address?: string | string[];
  /** 0 or absent: a free port. */
  port?: number;
  /** Transactions kept (oldest first); later ones are counted in `dropped`. Default 10,000. */
  maxTransactions?: number;
  /** TCP connections idle this long are closed (ms, default 10,000). */
  tcpIdleMs?: number;
}

export interface DnsServer {
  address: string;
  addresses: string[];
  port: number;
  transactions: ServedTransaction[];
  /** Transactions served but not kept (over `maxTransactions`). */
  dropped: number;
  close(): Promise<void>;
}

/**
 * Binds a UDP socket; EADDRNOTAVAIL is retried for up to 3 s, since a new IPv6 address stays
 * tentative (unbindable) during duplicate address detection just after a topology is built.
 */
async function bindUdp(address: string, port: number): Promise<UdpSocket> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await bindUdpOnce(address, port);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL' || attempt >= 30) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function bindUdpOnce(address: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const sock = isIPv6(address) ? createSocket({ type: 'udp6', ipv6Only: true }) : createSocket('udp4');
    const fail = (e: Error) => {
      try {
        sock.close();
      } catch {
        /* never bound */
      }
      reject(e);
    };
    sock.once('error', fail);
    sock.bind(port, address, () => {
      sock.off('error', fail);
      resolve(sock);
    });
  });
}

function listenTcp(server: Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, ipv6Only: isIPv6(address) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Reads 2-byte length-prefixed messages from a TCP connection and answers each. */
function serveTcp(socket: Socket, answer: (msg: Buffer, client: ServedTransaction['client']) => Buffer | undefined, idleMs: number): void {
  const client = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
  let pending: Buffer = Buffer.alloc(0);
  socket.setTimeout(idleMs, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (d: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const msg = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + msg.length);
      const reply = answer(msg, client);
      if (!reply) continue;
      const len = Buffer.alloc(2);
      len.writeUInt16BE(reply.length);
      socket.write(Buffer.concat([len, reply]));
    }
  });
  socket.on('end', () => socket.end());
}

/** Starts the server; resolves once every socket listens. */
export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const zones = compileZones(opts.zones);
  const addresses = [opts.address ?? '127.0.0.1'].flat();
  const max = opts.maxTransactions ?? 10_000;
  const udp: UdpSocket[] = [];
  const tcp: Server[] = [];
  const conns = new Set<Socket>();
  const state: DnsServer = { address: addresses[0], addresses, port: opts.port ?? 0, transactions: [], dropped: 0, close };

  const answer = (msg: Buffer, transport: 'udp' | 'tcp', client: ServedTransaction['client']): Buffer | undefined => {
    const out = respond(zones, msg, transport, client);
    if (!out) return undefined;
    if (state.transactions.length < max) state.transactions.push(out.tx);
    else state.dropped++;
    return out.reply;
  };

  async function close(): Promise<void> {
    for (const c of conns) c.destroy();
    await Promise.all([
      ...udp.map((s) => new Promise<void>((r) => s.close(() => r()))),
      ...tcp.map((s) => new Promise<void>((r) => s.close(() => r()))),
    ]);
  }

  try {
    for (const address of addresses) {
      // with port 0 the UDP socket picks the port and TCP takes the same one; a clash retries
      for (let attempt = 0; ; attempt++) {
        const sock = await bindUdp(address, state.port);
        const server = createServer((c) => {
          conns.add(c);
          c.on('close', () => conns.delete(c));
          serveTcp(c, (m, client) => answer(m, 'tcp', client), opts.tcpIdleMs ?? 10_000);
        });
        try {
          await listenTcp(server, address, sock.address().port);
        } catch (e) {
          sock.close();
          if (state.port !== 0 || attempt >= 20 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
          continue;
        }
        state.port = sock.address().port;
        sock.on('message', (msg, rinfo) => {
          const reply = answer(msg, 'udp', { address: rinfo.address, port: rinfo.port });
          if (reply) sock.send(reply, rinfo.port, rinfo.address);
        });
        sock.on('error', () => undefined);
        udp.push(sock);
        tcp.push(server);
        break;
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  return state;
}
