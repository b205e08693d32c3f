/** TCP options as Wireshark appends them to the Info column, straight from the option bytes. */

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/**
 * Info strings of the options in b[o, end), wire order: MSS=, WS= (multiplier), SACK_PERM,
 * SLE=/SRE= (relative to `peerBase`, the other direction's base sequence number), TSval=/TSecr=,
 * TFO=R/TFO=C. NOP and EOL print nothing; parsing stops at a malformed option.
 */
export function tcpOptionStrings(b: Uint8Array, o: number, end: number, peerBase: number): string[] {
  const out: string[] = [];
  while (o < end) {
    const kind = b[o];
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const len = b[o + 1];
    if (len < 2 || o + len > end) break;
    switch (kind) {
      case 2:
        if (len === 4) out.push('MSS=' + ((b[o + 2] << 8) | b[o + 3]));
        break;
      case 3:
        if (len === 3) out.push('WS=' + 2 ** Math.min(b[o + 2], 14));
        break;
      case 4:
        if (len === 2) out.push('SACK_PERM');
        break;
      case 5:
        for (let p = o + 2; p + 8 <= o + len; p += 8) {
          out.push('SLE=' + ((u32(b, p) - peerBase) >>> 0), 'SRE=' + ((u32(b, p + 4) - peerBase) >>> 0));
        }
        break;
      case 8:
        if (len === 10) out.push('TSval=' + u32(b, o + 2), 'TSecr=' + u32(b, o + 6));
        break;
      case 34:
        out.push(len === 2 ? 'TFO=R' : 'TFO=C');
        break;
      default:
        break;
    }
    o += len;
  }
  return out;
}

/** The same options as one string, each preceded by a space (" MSS=65495 SACK_PERM …"). */
export function tcpOptionText(b: Uint8Array, o: number, end: number, peerBase: number): string {
  // Fast path for the common Linux data segment: NOP NOP TS.
  if (end - o === 12 && b[o] === 1 && b[o + 1] === 1 && b[o + 2] === 8 && b[o + 3] === 10) {
    return ' TSval=' + u32(b, o + 4) + ' TSecr=' + u32(b, o + 8);
  }
  const list = tcpOptionStrings(b, o, end, peerBase);
  return list.length ? ' ' + list.join(' ') : '';
}

/** The window-scale shift of the options in b[o, end), or -1 if there is none. */
export function windowShiftOption(b: Uint8Array, o: number, end: number): number {
  while (o < end) {
    const kind = b[o];
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const len = b[o + 1];
    if (len < 2 || o + len > end) break;
    if (kind === 3 && len === 3) return b[o + 2];
    o += len;
  }
  return -1;
}
