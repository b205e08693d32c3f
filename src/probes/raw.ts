import { createRequire } from 'node:module';
import { EnvironmentError } from '../errors.js';
import type * as RawSocket from 'raw-socket';

const require = createRequire(import.meta.url);
const SO_RCVBUFFORCE = 33; // Linux: like SO_RCVBUF but may exceed rmem_max (needs CAP_NET_ADMIN)

/** The fix printed when the process may not open raw sockets. */
export const RAW_FIX = 'run as root, or grant the capability: sudo setcap cap_net_raw+ep "$(readlink -f "$(command -v node)")"';

/**
 * A raw IPv4 socket with batch I/O: `send` is a synchronous sendto, and every readiness event
 * drains all queued datagrams (the raw-socket package reads one per event loop turn).
 * IPv4 raw sockets deliver the IP header with each datagram.
 */
export class RawChannel {
  private readonly sock: RawSocket.Socket;
  private readonly buf = Buffer.alloc(65536);
  private closed = false;

  /**
   * `protocol` 'ip' opens an IPPROTO_RAW socket: send-only, the caller supplies the IP header,
   * and it never receives copies of incoming packets.
   */
  constructor(protocol: 'tcp' | 'icmp' | 'udp' | 'ip', onPacket: (pkt: Buffer, length: number) => void, rcvbuf = 8 << 20) {
    const raw = require('raw-socket') as typeof RawSocket;
    const proto = { tcp: raw.Protocol.TCP, icmp: raw.Protocol.ICMP, udp: raw.Protocol.UDP, ip: 255 }[protocol];
    try {
      this.sock = raw.createSocket({ protocol: proto, addressFamily: raw.AddressFamily.IPv4 });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/not permitted|permission/i.test(msg)) {
        throw new EnvironmentError(
          `raw sockets are not permitted for this process (${msg}); SYN scans and traceroute need CAP_NET_RAW`,
          RAW_FIX,
          'raw-not-permitted',
        );
      }
      throw err;
    }
    this.sock.on('error', () => {}); // errors surface from send/recv calls
    if (protocol === 'ip') return;
    try {
      this.sock.setOption(raw.SocketLevel.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf);
    } catch {
      this.sock.setOption(raw.SocketLevel.SOL_SOCKET, raw.SocketOption.SO_RCVBUF, rcvbuf);
    }
    const wrap = this.sock.wrap;
    wrap.removeAllListeners('recvReady');
    wrap.on('recvReady', () => this.drain(onPacket));
    this.onPacket = onPacket;
  }

  private onPacket?: (pkt: Buffer, length: number) => void;

  /** Reads what is queued now, as the socket's readiness would on the event loop's next turn. */
  poll(): void {
    if (this.onPacket && !this.closed) this.drain(this.onPacket);
  }

  /**
   * Reads everything queued. `onPacket` gets a reused buffer and the datagram's length: the
   * bytes are valid only during the call (no allocation per packet on the scan's hot path).
   */
  private drain(onPacket: (pkt: Buffer, length: number) => void): void {
    try {
      for (let i = 0; i < 100_000 && !this.closed; i++) this.sock.wrap.recv(this.buf, onPacket);
    } catch {
      // EAGAIN: the queue is empty
    }
  }

  /** Sets an IPPROTO_IP option (IP_TTL) for the following sends. */
  setTtl(ttl: number): void {
    const raw = require('raw-socket') as typeof RawSocket;
    this.sock.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_TTL, ttl);
  }

  /** Sends one datagram now (the kernel adds the IP header). False when the kernel refused it (e.g. ENOBUFS). */
  send(pkt: Buffer, address: string): boolean {
    try {
      this.sock.wrap.send(pkt, 0, pkt.length, address, () => {});
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.close();
  }
}
