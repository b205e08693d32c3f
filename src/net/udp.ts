import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { HostOp } from '../hosts/context.js';

export type UdpOutcome = 'reply' | 'refused' | 'timeout';

export interface UdpExchangeResult {
  outcome: UdpOutcome;
  /** The first reply datagram's payload (base64), one datagram exactly. */
  reply?: string;
  /** Our address and port (`198.51.100.2:40000`), and the peer's. */
  local?: string;
  remote: string;
  /** The socket error that ended the wait (ECONNREFUSED for an ICMP port unreachable). */
  error?: string;
}

const hostPort = (address: string, port: number) => (isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`);

/**
 * Sends one datagram on a connected UDP socket and waits up to `waitMs` for one datagram back.
 * Connected, the kernel hands the socket only the peer's datagrams and reports an ICMP port
 * unreachable as ECONNREFUSED (`refused`); nothing within the wait is `timeout`.
 */
export const udpExchange: HostOp<{ address: string; port: number; payload: string; waitMs: number }, UdpExchangeResult> = async (args) => {
  const remote = hostPort(args.address, args.port);
  const sock: Socket = createSocket({ type: isIPv6(args.address) ? 'udp6' : 'udp4' });
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.connect(args.port, args.address, () => {
        sock.off('error', reject);
        resolve();
      });
    });
    const a = sock.address();
    const local = hostPort(a.address, a.port);
    return await new Promise<UdpExchangeResult>((resolve) => {
      const timer = setTimeout(() => resolve({ outcome: 'timeout', local, remote }), Math.max(1, args.waitMs));
      sock.once('message', (m: Buffer) => {
        clearTimeout(timer);
        resolve({ outcome: 'reply', reply: m.toString('base64'), local, remote });
      });
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ outcome: e.code === 'ECONNREFUSED' ? 'refused' : 'timeout', local, remote, error: e.code ?? e.message });
      });
      sock.send(Buffer.from(args.payload, 'base64'));
    });
  } finally {
    sock.close();
  }
};

export const udpOps = { udpExchange };
