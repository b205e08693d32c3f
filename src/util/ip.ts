/**
 * `isIP` of node:net (4, 6 or 0), without its large IPv6 pattern: compiling and first running
 * that pattern costs some 15 ms of a `wirelab validate` that checks a few IPv6 literals.
 * Every IPv6 literal has a colon and no IPv4 literal has one. Nor is node:net loaded for its
 * IPv4 pattern (net pulls in streams and more: a few ms of every start that checks an address).
 */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (text.includes(':')) return isIPv6Literal(text) ? 6 : 0;
  return isIPv4(text) ? 4 : 0;
}

/** node:net's IPv4 pattern (lib/internal/net.js): four decimal octets 0-255, no leading zero. */
const V4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4 = new RegExp(`^(?:${V4_OCTET}\\.){3}${V4_OCTET}$`);
const isIPv4 = (text: string): boolean => IPV4.test(text);

const HEXTET = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/**
 * node:net's `isIPv6`, written out: eight groups of 1-4 hex digits, or fewer around one `::`
 * (which stands for at least one group); the last group may be an IPv4 literal (two groups);
 * an optional zone (`%eth0`). test/util/ip.test.ts holds it to `isIPv6` on generated texts.
 */
function isIPv6Literal(text: string): boolean {
  let addr = text;
  const pct = text.indexOf('%');
  if (pct !== -1) {
    if (!ZONE.test(text.slice(pct + 1))) return false;
    addr = text.slice(0, pct);
  }
  const gap = addr.indexOf('::');
  if (gap !== -1 && addr.indexOf('::', gap + 1) !== -1) return false;
  const split = (t: string) => (t === '' ? [] : t.split(':'));
  const groups = gap === -1 ? split(addr) : [...split(addr.slice(0, gap)), ...split(addr.slice(gap + 2))];
  // The address's own last group: not one that `::` follows.
  const lastIsTail = gap === -1 || addr.length > gap + 2;
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (HEXTET.test(g)) count += 1;
    else if (i === groups.length - 1 && lastIsTail && isIPv4(g)) count += 2;
    else return false;
  }
  return gap === -1 ? count === 8 : count <= 7;
}
