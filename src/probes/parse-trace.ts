/**
 * Reads traceroute's and Windows tracert's text (the layouts format-trace.ts prints) back into
 * hops: for each TTL the addresses that answered, `null` for each star.
 */
export interface ParsedTrace {
  style: 'traceroute' | 'tracert';
  /** The name the command was given. */
  target: string;
  /** The address traceroute resolved it to (`traceroute to server (203.0.113.10)`, tracert's `[…]`). */
  address?: string;
  hops: { ttl: number; addresses: (string | null)[] }[];
}

const TRACEROUTE = /^traceroute to (\S+) \(([^)]+)\)/;
const TRACERT = /^Tracing route to (\S+)(?: \[([^\]]+)\])?/;
const ADDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

/** Every trace in the lines, in order. */
export function parseTraces(lines: readonly string[]): ParsedTrace[] {
  const traces: ParsedTrace[] = [];
  let cur: ParsedTrace | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    const tr = TRACEROUTE.exec(line);
    const tw = tr ? null : TRACERT.exec(line);
    if (tr || tw) {
      const m = (tr ?? tw)!;
      cur = { style: tr ? 'traceroute' : 'tracert', target: m[1], hops: [] };
      if (m[2]) cur.address = m[2];
      else if (ADDR.test(m[1])) cur.address = m[1];
      traces.push(cur);
      continue;
    }
    if (!cur) continue;
    const hop = /^(\d+)\s+(.*)$/.exec(line);
    if (!hop) continue;
    const ttl = Number(hop[1]);
    const rest = hop[2];
    cur.hops.push({ ttl, addresses: cur.style === 'traceroute' ? tracerouteProbes(rest) : tracertProbes(rest) });
  }
  return traces;
}

/** ` 1  198.51.100.1  0.041 ms  0.053 ms * ` → one entry per probe (an address repeats for the probes after it). */
function tracerouteProbes(rest: string): (string | null)[] {
  const out: (string | null)[] = [];
  let addr: string | null = null;
  const words = rest.split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '*') out.push(null);
    else if (words[i + 1] === 'ms' && /^[0-9.]+$/.test(w)) {
      out.push(addr);
      i++;
    } else if (ADDR.test(w) || /^\(/.test(w)) {
      if (/^\(/.test(w)) addr = w.replace(/[()]/g, '');
      else addr = w;
    } else if (!/^!/.test(w)) addr = w; // a name (without -n); its address follows in parentheses
  }
  return out;
}

/** `  1    <1 ms    <1 ms    <1 ms  192.168.1.1` or `  2     *        *        *     Request timed out.` */
function tracertProbes(rest: string): (string | null)[] {
  const cells = [...rest.matchAll(/(<?\d+) ms|\*/g)].map((m) => (m[0] === '*' ? null : ''));
  if (/Request timed out\./.test(rest)) return cells.map(() => null);
  const tail = rest.replace(/(<?\d+) ms|\*/g, '').trim();
  const addr = /\[([^\]]+)\]/.exec(tail)?.[1] ?? tail.split(/\s+/)[0] ?? null;
  return cells.map((c) => (c === null ? null : addr));
}
