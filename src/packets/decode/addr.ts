/** Address formatting as Wireshark prints it (no name resolution). */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const V4_CACHE = new Map<number, string>();

/** Dotted quad from 4 bytes at `o` (memoised: captures repeat a few addresses many times). */
export function ipv4At(b: Uint8Array, o: number): string {
  const n = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]; // int32: a small-integer map key
  let s = V4_CACHE.get(n);
  if (s === undefined) {
    s = b[o] + '.' + b[o + 1] + '.' + b[o + 2] + '.' + b[o + 3];
    if (V4_CACHE.size > 65536) V4_CACHE.clear();
    V4_CACHE.set(n, s);
  }
  return s;
}

/** RFC 5952 text form of the 16 bytes at `o` (longest zero run ≥ 2 groups compressed, lowercase). */
export function ipv6At(b: Uint8Array, o: number): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[o + 2 * i] << 8) | b[o + 2 * i + 1];
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestLen = j - i;
      bestStart = i;
    }
    i = j;
  }
  // IPv4-mapped / compatible forms print the tail as a dotted quad, as inet_ntop does.
  if (bestStart === 0 && ((bestLen === 5 && g[5] === 0xffff) || (bestLen === 6 && (g[6] !== 0 || g[7] > 1)))) {
    const prefix = bestLen === 5 ? '::ffff:' : '::';
    return prefix + ipv4At(b, o + 12);
  }
  if (bestLen < 2) bestStart = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += g[i].toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

/** aa:bb:cc:dd:ee:ff from 6 bytes at `o`. */
export function macAt(b: Uint8Array, o: number): string {
  return HEX[b[o]] + ':' + HEX[b[o + 1]] + ':' + HEX[b[o + 2]] + ':' + HEX[b[o + 3]] + ':' + HEX[b[o + 4]] + ':' + HEX[b[o + 5]];
}

/**
 * A MAC address as tshark -n shows it in Source/Destination (no OUI/vendor names: wirelab
 * always runs tshark with -n, and without it tshark would print "Broadcast", "IntelCor_…").
 */
export function macColumn(b: Uint8Array, o: number): string {
  return macAt(b, o);
}
