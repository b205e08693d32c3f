import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { HostContext } from '../hosts/context.js';

export interface UdpEchoSpec {
  address: string;
  port: number;
  /** Text put before each echoed payload (default none). */
  prefix?: string;
}

/**
 * A UDP echo server (RFC 862 over UDP): each datagram is answered with one datagram holding the
 * same bytes (after `prefix`), to the address and port it came from, so boundaries are kept.
 */
export async function startUdpEcho(spec: UdpEchoSpec, ctx: HostContext): Promise<{ id: string; port: number }> {
  const sock: Socket = createSocket({ type: isIPv6(spec.address) ? 'udp6' : 'udp4', reuseAddr: false });
  const prefix = spec.prefix !== undefined ? Buffer.from(spec.prefix, 'utf8') : undefined;
  sock.on('message', (m: Buffer, from) => {
    sock.send(prefix ? Buffer.concat([prefix, m]) : m, from.port, from.address);
  });
  // a peer's ICMP error for an earlier reply surfaces here; the server keeps serving
  sock.on('error', () => {});
  const port = await new Promise<number>((resolve, reject) => {
    sock.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`UDP port ${spec.port} on ${spec.address} is already in use`) : e),
    );
    sock.bind({ address: spec.address, port: spec.port, exclusive: true }, () => resolve(sock.address().port));
  });
  const id = ctx.track('fixture', { close: () => new Promise<void>((resolve) => sock.close(() => resolve())) });
  return { id, port };
}
