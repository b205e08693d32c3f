/** Domain-name helpers: names are kept lower-case, without a trailing dot; the root is "". */
import { ipFamily } from '../util/ip.js';

/** Lower-cases and strips one trailing dot ("Lab.Example." → "lab.example"). */
export function normName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

/** True when `name` is `apex` or lies below it (both normalised). */
export function isAtOrBelow(name: string, apex: string): boolean {
  if (apex === '') return true;
  return name === apex || name.endsWith('.' + apex);
}

/** The name with its first label removed ("a.b.c" → "b.c", "c" → ""). */
export function parentName(name: string): string {
  const i = name.indexOf('.');
  return i < 0 ? '' : name.slice(i + 1);
}

/** Number of dots in a name as typed (a trailing dot not counted), as resolv.conf's ndots counts. */
export function countDots(name: string): number {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return [...n].filter((c) => c === '.').length;
}

/** Checks label and name lengths (63 / 253 octets); returns a message or undefined. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return undefined;
  if (Buffer.byteLength(name) > 253) return 'longer than 253 characters';
  for (const label of name.split('.')) {
    if (label.length === 0) return 'has an empty label';
    if (Buffer.byteLength(label) > 63) return `label "${label}" is longer than 63 characters`;
  }
  return undefined;
}

/** The reverse-lookup name of an IP address (in-addr.arpa or ip6.arpa), or undefined. */
export function reverseName(ip: string): string | undefined {
  const v = ipFamily(ip);
  if (v === 4) return ip.split('.').reverse().join('.') + '.in-addr.arpa';
  if (v !== 6) return undefined;
  const [head, tail = ''] = ip.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  let h = groups(head),
    t = groups(tail);
  const last = (t.length ? t : h).at(-1) ?? '';
  if (ipFamily(last) === 4) {
    const b = last.split('.').map(Number);
    const hex = [((b[0] << 8) | b[1]).toString(16), ((b[2] << 8) | b[3]).toString(16)];
    if (t.length) t = [...t.slice(0, -1), ...hex];
    else h = [...h.slice(0, -1), ...hex];
  }
  const fill = ip.includes('::') ? Array<string>(8 - h.length - t.length).fill('0') : [];
  const nibbles = [...h, ...fill, ...t].map((g) => g.padStart(4, '0')).join('');
  return [...nibbles].reverse().join('.') + '.ip6.arpa';
}

/** Canonical (RFC 5952) text of an IPv6 address, e.g. "2001:0db8::0010" → "2001:db8::10". */
export function canonicalIPv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** The IP address a reverse-lookup name stands for (`10.113.0.203.in-addr.arpa` → `203.0.113.10`), or undefined. */
export function reverseAddress(name: string): string | undefined {
  const n = normName(name);
  const v4 = /^((?:\d{1,3}\.){3}\d{1,3})\.in-addr\.arpa$/.exec(n);
  if (v4) {
    const ip = v4[1].split('.').reverse().join('.');
    return ipFamily(ip) === 4 ? ip : undefined;
  }
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(n);
  if (!v6) return undefined;
  const hex = v6[1].replace(/\./g, '').split('').reverse().join('');
  return canonicalIPv6(hex.match(/.{4}/g)!.join(':'));
}
