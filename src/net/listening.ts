import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { ipv4At, ipv6At } from '../packets/decode/addr.js';
import { nativeAddon } from '../util/native-addon.js';

/**
 * Listening TCP sockets of the calling thread's network namespace (a host thread's own, not its
 * process's): asked of the kernel by sock_diag where the native module has it (native/netns.c,
 * what `ss -lt` does), else read from /proc/thread-self/net/tcp{,6}. Reading /proc walks every
 * TCP socket of the machine to print one namespace's: on a machine busy with connections that is
 * milliseconds of kernel time per look, and a server's start is polled every 50 ms.
 * Looking here, rather than connecting, tells whether a program is ready without opening a
 * connection it would have to handle (and could crash on) and without extra packets in a capture.
 */

const LISTEN = '0A';

/**
 * `0100007F` → `127.0.0.1`: the kernel prints an address as 32-bit words in host order
 * (little-endian here), one word for IPv4 and four for IPv6.
 */
export function procAddress(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let w = 0; w < bytes.length; w += 4) {
    const n = parseInt(hex.slice(2 * w, 2 * w + 8), 16);
    bytes.set([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24], w);
  }
  return bytes.length === 4 ? ipv4At(bytes, 0) : ipv6At(bytes, 0);
}

/** The same text for any spelling of an IPv6 address (`2001:DB8:0:0::1` → `2001:db8::1`). */
export function canonicalV6(address: string): string {
  const groups = (part: string | undefined): number[] =>
    part
      ? part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        })
      : [];
  const [head, tail] = address.toLowerCase().split('::');
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => bytes.set([g >> 8, g & 0xff], 2 * i));
  return ipv6At(bytes, 0);
}

export interface ListenSocket {
  address: string;
  port: number;
}

/** Parses the text of /proc/net/tcp or tcp6 and keeps the sockets in LISTEN state. */
export function parseListening(text: string): ListenSocket[] {
  const out: ListenSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== LISTEN) continue;
    const [addr, port] = f[1].split(':');
    out.push({ address: procAddress(addr), port: parseInt(port, 16) });
  }
  return out;
}

const addon = nativeAddon<{ tcpListening?: () => (Uint8Array | number)[] }>('wirelab_probe', {
  off: () => (process.env.WIRELAB_LISTEN_PROC === '1' ? 'WIRELAB_LISTEN_PROC=1' : undefined),
});

/** The listening sockets by sock_diag, or undefined without the native module. */
export function diagListening(): ListenSocket[] | undefined {
  const list = addon.get()?.tcpListening?.();
  if (!list) return undefined;
  const out: ListenSocket[] = [];
  for (let i = 0; i + 1 < list.length; i += 2) {
    const addr = list[i] as Uint8Array;
    out.push({ address: addr.length === 4 ? ipv4At(addr, 0) : ipv6At(addr, 0), port: list[i + 1] as number });
  }
  return out;
}

/** The listening sockets from /proc/thread-self/net/tcp{,6}, or undefined where /proc cannot tell (not Linux). */
export function procListening(): ListenSocket[] | undefined {
  let seen = false;
  const out: ListenSocket[] = [];
  for (const file of ['/proc/thread-self/net/tcp', '/proc/thread-self/net/tcp6']) {
    try {
      out.push(...parseListening(readFileSync(file, 'utf8')));
      seen = true;
    } catch {
      /* no IPv6, or no /proc */
    }
  }
  return seen ? out : undefined;
}

/** The listening sockets (sock_diag, else /proc), or undefined where neither can tell. */
export function listeningSockets(): ListenSocket[] | undefined {
  return diagListening() ?? procListening();
}

/**
 * Whether something listens on `port` where a client connecting to `address` would reach it:
 * the address itself or a wildcard (`0.0.0.0`, `::`, which also takes IPv4 unless v6only).
 * `address` 0.0.0.0 or :: means any address will do. Undefined when /proc cannot tell.
 */
export function isListening(address: string, port: number): boolean | undefined {
  const socks = listeningSockets();
  if (!socks) return undefined;
  const v4 = isIPv4(address);
  const want = v4 || !isIPv6(address) ? address : canonicalV6(address);
  const any = want === '0.0.0.0' || want === '::';
  return socks.some(
    (s) =>
      s.port === port &&
      (any || s.address === want || s.address === '::' || (v4 && (s.address === '0.0.0.0' || s.address === `::ffff:${want}`))),
  );
}
