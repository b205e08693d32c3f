import { getSystemErrorName } from 'node:util';

/** Outcome of one connect(): `ok`, or the errno name (`ECONNREFUSED`, `EHOSTUNREACH`…). */
export type ConnectOutcome = { ok: true; selfConnect: boolean } | { ok: false; code: string };

/** Starts non-blocking connects and reports how each ended; `abort` closes one still pending. */
export interface Connector {
  connect(address: string, family: 4 | 6, port: number, done: (outcome: ConnectOutcome) => void): () => void;
}

interface TcpHandle {
  connect(req: object, address: string, port: number): number;
  connect6(req: object, address: string, port: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  reset(cb: () => void): number;
  close(cb?: () => void): void;
}
interface TcpWrapBinding {
  TCP: { new (type: number): TcpHandle; prototype: Partial<TcpHandle> };
  TCPConnectWrap: new () => { oncomplete: (status: number) => void };
  constants: { SOCKET: number };
}

/**
 * The connector behind `net.Socket` without the stream around it: Node's own TCP handle
 * (libuv uv_tcp_t, non-blocking connect) from the `tcp_wrap` binding. A scan only needs
 * "connected or errno", and skipping the Socket/stream/Error objects cuts the CPU of a
 * 65535-port loopback scan about fivefold. Open connections are closed with RST
 * (uv_tcp_close_reset, what `socket.resetAndDestroy()` uses), so no TIME_WAIT is left.
 * Returns undefined when this Node does not expose the binding; callers then use net.Socket.
 */
export function handleConnector(): Connector | undefined {
  let b: TcpWrapBinding;
  try {
    // process.binding is Node's (deprecated, undeclared) door to its internal bindings
    const binding: unknown = Reflect.get(process, 'binding');
    if (typeof binding !== 'function') return undefined;
    b = (binding as (name: string) => TcpWrapBinding).call(process, 'tcp_wrap');
    if (typeof b?.TCP?.prototype?.reset !== 'function' || typeof b.TCPConnectWrap !== 'function') return undefined;
  } catch {
    return undefined;
  }
  return {
    connect(address, family, port, done) {
      const h = new b.TCP(b.constants.SOCKET);
      const req = new b.TCPConnectWrap();
      let pending = true;
      req.oncomplete = (status: number) => {
        if (!pending) return;
        pending = false;
        if (status === 0) {
          const me: { address?: string; port?: number } = {};
          h.getsockname(me);
          h.reset(() => {});
          done({ ok: true, selfConnect: me.port === port && me.address === address });
        } else {
          h.close();
          done({ ok: false, code: getSystemErrorName(status) });
        }
      };
      const err = family === 6 ? h.connect6(req, address, port) : h.connect(req, address, port);
      if (err) {
        pending = false;
        h.close();
        queueMicrotask(() => done({ ok: false, code: getSystemErrorName(err) }));
      }
      return () => {
        if (!pending) return;
        pending = false;
        h.close();
      };
    },
  };
}
