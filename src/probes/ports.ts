import { UsageError } from '../errors.js';

/**
 * Parses an nmap-style TCP port specification into a sorted list of distinct ports.
 *
 * Accepted forms, comma-separated: `80`, `50000-50009`, `-` (1-65535), `-100` (1-100),
 * `60000-` (60000-65535). Port 0 and anything above 65535 are refused, as are empty items,
 * reversed ranges and non-digits. Throws UsageError with the offending item.
 */
export function parsePorts(spec: string | number | readonly number[]): number[] {
  if (typeof spec === 'number') return parsePorts(String(spec));
  if (Array.isArray(spec)) return normalise(spec.map((p) => checkPort(String(p), String(p))));
  const text = (spec as string).trim();
  if (text === '') throw new UsageError('empty port specification');
  // ranges, merged once sorted: a short list costs nothing like a pass over all 65,535 ports
  const ranges: [number, number][] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') throw new UsageError(`empty item in port specification "${text}"`);
    const m = /^(\d*)-(\d*)$/.exec(item);
    if (m) {
      const lo = m[1] === '' ? 1 : checkPort(m[1], item);
      const hi = m[2] === '' ? 65535 : checkPort(m[2], item);
      if (lo > hi) throw new UsageError(`reversed port range "${item}" (${lo} > ${hi})`);
      ranges.push([lo, hi]);
    } else {
      const p = checkPort(item, item);
      ranges.push([p, p]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const ports: number[] = [];
  let next = 1; // the lowest port not yet listed
  for (const [lo, hi] of ranges) {
    for (let p = Math.max(lo, next); p <= hi; p++) ports.push(p);
    next = Math.max(next, hi + 1);
  }
  return ports;
}

function checkPort(text: string, item: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`bad port "${item}": expected a number 1-65535 or a range like 50000-50009`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw new UsageError(`port ${text} out of range 1-65535 (in "${item}")`);
  return n;
}

function normalise(ports: number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** Shortest text for a sorted port list: `22,80,50000-50009`. */
export function formatPorts(ports: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ports.length;) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1] === ports[j] + 1) j++;
    parts.push(j > i ? `${ports[i]}-${ports[j]}` : String(ports[i]));
    i = j + 1;
  }
  return parts.join(',');
}
