import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Listening TCP sockets of this process's network namespace, read from /proc/self/net/tcp{,6}.
 * Looking here, rather than connecting, tells whether a program is ready without opening a
 * connection it would have to handle (and could crash on) and without extra packets in a capture.
 */

const LISTEN = '0A';

/** `0100007F` → `127.0.0.1` (the kernel prints each 32-bit word in host order, little-endian here). */
function word(hex: string): number[] {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

export function procAddress(hex: string): string {
  if (hex.length === 8) return word(hex).join('.');
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) bytes.push(...word(hex.slice(i, i + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  return compressV6(groups);
}

/** RFC 5952 text: lower-case hex, the longest run (2 or more) of zero groups as `::`. */
function compressV6(groups: number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** The same text for any spelling of an IPv6 address (`2001:DB8:0:0::1` → `2001:db8::1`). */
export function canonicalV6(address: string): string {
  const [head, tail] = address.toLowerCase().split('::');
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  return compressV6(groups);
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

/** The listening sockets, or undefined where /proc cannot tell (not Linux). */
export function listeningSockets(): ListenSocket[] | undefined {
  let seen = false;
  const out: ListenSocket[] = [];
  for (const file of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    try {
      out.push(...parseListening(readFileSync(file, 'utf8')));
      seen = true;
    } catch {
      /* no IPv6, or no /proc */
    }
  }
  return seen ? out : undefined;
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
