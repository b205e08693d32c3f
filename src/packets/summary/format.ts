/** Text renderings of decoded packets as tshark prints them. */
import type { DecodedPacket } from '../types.js';

/** Relative time with `digits` decimals, computed from integer nanoseconds (no float drift). */
export function formatRelTime(time: number, digits = 9): string {
  if (digits === 6 && time >= 0) {
    const us = Math.round(time * 1e6);
    const sec = Math.floor(us / 1e6);
    return sec + '.' + (1e6 + (us - sec * 1e6)).toString().slice(1);
  }
  const ns = Math.round(time * 1e9);
  const neg = ns < 0;
  const abs = Math.abs(ns);
  const sec = Math.floor(abs / 1e9);
  let frac = abs - sec * 1e9;
  let s: string;
  if (digits >= 9) s = String(frac).padStart(9, '0');
  else {
    const div = 10 ** (9 - digits);
    frac = Math.floor(frac / div);
    s = digits > 0 ? String(frac).padStart(digits, '0') : '';
  }
  return (neg ? '-' : '') + sec + (digits > 0 ? '.' + s : '');
}

/**
 * tshark's default one-line rendering (`tshark -r FILE`), e.g.
 * `    1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 …`: No. right-aligned to 5, time to 10,
 * Source right-aligned to 12, " → ", Destination left-aligned to 12, then Protocol, Length, Info.
 * `digits` is the time precision of the file (6 for µs captures, 9 for ns); the packet's
 * own `timeDigits` wins when set.
 */
const SPACES = Array.from({ length: 13 }, (_, i) => ' '.repeat(i));
const left = (s: string, w: number): string => (s.length < w ? SPACES[w - s.length] + s : s);
const right = (s: string, w: number): string => (s.length < w ? s + SPACES[w - s.length] : s);

/** Memoised "   SOURCE → DESTINATION  " column pairs (captures repeat few address pairs). */
const PAIRS = new Map<string, Map<string, string>>();
let pairCount = 0;

function addressColumns(src: string, dst: string): string {
  let m = PAIRS.get(src);
  if (m === undefined) {
    if (pairCount > 100_000) {
      PAIRS.clear();
      pairCount = 0;
    }
    m = new Map();
    PAIRS.set(src, m);
  }
  let s = m.get(dst);
  if (s === undefined) {
    s = left(src, 12) + ' → ' + right(dst, 12) + ' ';
    m.set(dst, s);
    pairCount++;
  }
  return s;
}

export function formatTsharkLine(p: DecodedPacket, digits = 9): string {
  const d = p.timeDigits ?? digits;
  return (
    left('' + p.no, 5) +
    ' ' +
    left(formatRelTime(p.time, d), 10) +
    ' ' +
    addressColumns(p.source, p.destination) +
    p.protocol +
    ' ' +
    p.length +
    ' ' +
    p.info
  );
}

/** The row `tshark -T fields -E separator=/t` prints for No., time_relative, Source, Destination, Protocol, frame.len, Info. */
export function formatFieldsLine(p: DecodedPacket): string {
  return [p.no, formatRelTime(p.time, 9), p.source, p.destination, p.protocol, p.length, p.info].join('\t');
}
