// Types for the parts of the `raw-socket` package (native, untyped) that wirelab uses.
declare module 'raw-socket' {
  import { EventEmitter } from 'node:events';
  export const Protocol: { None: 0; ICMP: 1; TCP: 6; UDP: 17; ICMPv6: 58 };
  export const AddressFamily: { IPv4: 1; IPv6: 2 };
  export const SocketLevel: { SOL_SOCKET: number; IPPROTO_IP: number; IPPROTO_IPV6: number };
  export const SocketOption: Record<'SO_RCVBUF' | 'SO_SNDBUF' | 'IP_HDRINCL' | 'IP_TTL' | 'IPV6_UNICAST_HOPS', number>;
  /** The native handle: synchronous, non-blocking sendto/recvfrom that throw on errors. */
  export interface SocketWrap extends EventEmitter {
    send(buf: Buffer, offset: number, length: number, address: string, cb: (bytes: number) => void): void;
    recv(buf: Buffer, cb: (buf: Buffer, bytes: number, source: string) => void): void;
    close(): void;
  }
  export interface Socket extends EventEmitter {
    wrap: SocketWrap;
    close(): this;
    setOption(level: number, option: number, value: number): void;
  }
  export function createSocket(options: { protocol?: number; addressFamily?: number; bufferSize?: number }): Socket;
  const raw: {
    Protocol: typeof Protocol;
    AddressFamily: typeof AddressFamily;
    SocketLevel: typeof SocketLevel;
    SocketOption: typeof SocketOption;
    createSocket: typeof createSocket;
  };
  export default raw;
}
