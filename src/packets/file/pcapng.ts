/**
 * pcapng block parsing (used by the streaming reader). One call parses one block from a buffer
 * and says whether it produced a frame, needs more bytes, or found corruption.
 */
import type { Frame } from './reader.js';

export interface PcapngInterface {
  linktype: number;
  /** Timestamp units per second (10^n or 2^n). */
  unitsPerSec: number;
  /** Digits tshark shows for this interface's timestamps. */
  digits: number;
  /** if_tsoffset, seconds. */
  tsOffset: number;
}

export class PcapngState {
  le = true;
  sawShb = false;
  interfaces: PcapngInterface[] = [];
}

export type BlockResult =
  | { kind: 'need' }
  | { kind: 'error'; message: string }
  | { kind: 'frame'; frame: Frame; next: number }
  | { kind: 'header' | 'skip'; next: number }; // a skip's `next` may lie past the buffer's end

const NEED: BlockResult = { kind: 'need' };
/** The largest packet tshark reads (WTAP_MAX_PACKET_SIZE_STANDARD); a bigger cap_len is corrupt. */
export const MAX_PACKET = 262144;
/**
 * The largest section header, interface or packet block read (tshark's MAX_BLOCK_SIZE: a
 * packet, its header and 128 KiB of options). Other blocks are skipped without being held.
 */
const MAX_BLOCK = 32 + MAX_PACKET + 131072;
/** Any block at all: the length field is 32 bits, but a longer one is corruption. */
const MAX_ANY_BLOCK = 256 * 1024 * 1024;
const KNOWN = new Set([0x0a0d0d0a, 1, 2, 3, 6]);

/** Splits a 64-bit tick count into whole seconds and nanoseconds. */
function ticksToTime(high: number, low: number, iface: PcapngInterface): [number, number] {
  const u = iface.unitsPerSec;
  let sec: number;
  let nsec: number;
  if (high < 0x200000) {
    const ts = high * 4294967296 + low;
    sec = Math.floor(ts / u);
    let rem = ts - sec * u;
    if (rem < 0) {
      sec--;
      rem += u;
    } else if (rem >= u) {
      sec++;
      rem -= u;
    }
    nsec = u === 1e9 ? rem : Math.round((rem * 1e9) / u);
  } else {
    const ts = (BigInt(high) << 32n) | BigInt(low);
    const bu = BigInt(u);
    sec = Number(ts / bu);
    const rem = Number(ts % bu);
    nsec = u === 1e9 ? rem : Math.round((rem * 1e9) / u);
  }
  if (nsec >= 1e9) {
    sec++;
    nsec -= 1e9;
  }
  return [sec + iface.tsOffset, nsec];
}

function parseIdb(st: PcapngState, dv: DataView, pos: number, len: number): PcapngInterface | string {
  if (len < 20) return `interface description block too short (${len} bytes)`;
  const le = st.le;
  const iface: PcapngInterface = { linktype: dv.getUint16(pos + 8, le), unitsPerSec: 1e6, digits: 6, tsOffset: 0 };
  let o = pos + 16;
  const end = pos + len - 4;
  while (o + 4 <= end) {
    const code = dv.getUint16(o, le);
    const olen = dv.getUint16(o + 2, le);
    if (code === 0) break;
    if (o + 4 + olen > end) return 'interface option runs past the end of its block';
    if (code === 9 && olen >= 1) {
      const v = dv.getUint8(o + 4);
      if (v & 0x80) {
        const p = v & 0x7f;
        if (p > 63) return `if_tsresol 2^-${p} not supported`;
        iface.unitsPerSec = 2 ** p;
        iface.digits = p <= 20 ? 6 : 9;
      } else {
        if (v > 15) return `if_tsresol 10^-${v} not supported`;
        iface.unitsPerSec = 10 ** v;
        iface.digits = v <= 6 ? 6 : 9;
      }
    } else if (code === 14 && olen >= 8) {
      iface.tsOffset = Number(dv.getBigInt64(o + 4, le));
    }
    o += 4 + ((olen + 3) & ~3);
  }
  return iface;
}

/** Parses the block at `pos` of `buf` (`base` = file offset of buf[0]). */
export function parsePcapngBlock(st: PcapngState, buf: Uint8Array, dv: DataView, pos: number, base: number): BlockResult {
  if (pos + 12 > buf.length) return NEED;
  let type = dv.getUint32(pos, st.le);
  if (type === 0x0a0d0d0a) {
    const bom = dv.getUint32(pos + 8, true);
    if (bom === 0x1a2b3c4d) st.le = true;
    else if (bom === 0x4d3c2b1a) st.le = false;
    else return { kind: 'error', message: `section header has a bad byte-order magic 0x${bom.toString(16)}` };
    type = 0x0a0d0d0a;
  } else if (!st.sawShb) {
    return { kind: 'error', message: 'pcapng file does not start with a section header block' };
  }
  const le = st.le;
  const len = dv.getUint32(pos + 4, le);
  if (len < 12 || len % 4 !== 0 || len > MAX_ANY_BLOCK) return { kind: 'error', message: `block length ${len} is invalid (corrupt file?)` };
  if (KNOWN.has(type) && len > MAX_BLOCK) {
    if ((type === 6 || type === 2) && pos + 24 <= buf.length) {
      const caplen = dv.getUint32(pos + 20, le);
      if (caplen > MAX_PACKET) return { kind: 'error', message: `cap_len ${caplen} is larger than ${MAX_PACKET}` };
    }
    return { kind: 'error', message: `block length ${len} is larger than ${MAX_BLOCK} (corrupt file?)` };
  }
  // An unknown block is skipped, also before all of it was read (it may be huge).
  if (!KNOWN.has(type)) return { kind: 'skip', next: pos + len };
  if (pos + len > buf.length) return NEED;
  if (dv.getUint32(pos + len - 4, le) !== len)
    return { kind: 'error', message: `block trailer length does not match header length ${len}` };
  const next = pos + len;
  switch (type) {
    case 0x0a0d0d0a:
      if (len < 28) return { kind: 'error', message: 'section header block too short' };
      st.sawShb = true;
      st.interfaces = [];
      return { kind: 'skip', next };
    case 1: {
      const r = parseIdb(st, dv, pos, len);
      if (typeof r === 'string') return { kind: 'error', message: r };
      st.interfaces.push(r);
      return { kind: 'header', next };
    }
    case 6:
    case 2: {
      if (len < 32) return { kind: 'error', message: 'packet block too short' };
      const ifid = type === 6 ? dv.getUint32(pos + 8, le) : dv.getUint16(pos + 8, le);
      const iface = st.interfaces[ifid];
      if (!iface) return { kind: 'error', message: `packet refers to unknown interface ${ifid}` };
      const caplen = dv.getUint32(pos + 20, le);
      const origlen = dv.getUint32(pos + 24, le);
      if (caplen > MAX_PACKET) return { kind: 'error', message: `cap_len ${caplen} is larger than ${MAX_PACKET}` };
      if (28 + caplen + 4 > len) return { kind: 'error', message: `packet caplen ${caplen} exceeds its block (${len} bytes)` };
      const [sec, nsec] = ticksToTime(dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le), iface);
      const frame: Frame = {
        linktype: iface.linktype,
        timestamp: sec + nsec / 1e9,
        sec,
        nsec,
        caplen,
        origlen,
        data: new Uint8Array(buf.buffer, buf.byteOffset + pos + 28, caplen),
        offset: base + pos,
        timeDigits: iface.digits,
      };
      return { kind: 'frame', frame, next };
    }
    case 3: {
      if (len < 16) return { kind: 'error', message: 'simple packet block too short' };
      const iface = st.interfaces[0];
      if (!iface) return { kind: 'error', message: 'simple packet block without an interface' };
      const origlen = dv.getUint32(pos + 8, le);
      const caplen = Math.min(origlen, len - 16, MAX_PACKET);
      const frame: Frame = {
        linktype: iface.linktype,
        timestamp: 0,
        sec: 0,
        nsec: 0,
        caplen,
        origlen,
        data: new Uint8Array(buf.buffer, buf.byteOffset + pos + 12, caplen),
        offset: base + pos,
        timeDigits: iface.digits,
      };
      return { kind: 'frame', frame, next };
    }
    default:
      return { kind: 'skip', next };
  }
}
