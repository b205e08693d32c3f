/**
 * Defensive readers for a step's free-form `probe` result (scan, traceroute, resolve): they
 * pick out the fields a report shows and pre-format the classic text layouts (nmap's port
 * table, traceroute's hop lines). Anything unexpected is skipped, never thrown on.
 */

export interface PortRow {
  port: string; // "50007/tcp"
  state: string;
  service: string;
  reason: string;
}
export interface ScanView {
  target: string | null;
  method: string | null;
  rows: PortRow[];
  /** nmap normal-output layout: `PORT      STATE  SERVICE` then padded rows. */
  text: string;
}
export interface HopRow {
  ttl: number;
  address: string; // addresses seen at this hop, or "*"
  rtts: string; // "0.046 ms, 0.004 ms, *"
}
export interface TracerouteView {
  target: string | null;
  rows: HopRow[];
  /** traceroute layout: ` 1  127.0.0.1  0.046 ms  0.004 ms  0.006 ms`. */
  text: string;
}
export interface DnsRow {
  question: string; // "www.example.com A"
  rcode: string;
  answers: string; // one "name ttl type data" per line, or ""
}
export interface ResolveView {
  rows: DnsRow[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, dflt = ''): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : dflt);
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** Pads each column to its widest cell (the last column is not padded). */
function columns(rows: string[][], gap = ' '): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join(gap).trimEnd()).join('\n');
}

/** A scan result (`{ target, method, ports: [{port, proto, state, reason, service}] }`), or null. */
export function scanView(probe: unknown): ScanView | null {
  if (!isObj(probe) || !Array.isArray(probe.ports)) return null;
  const rows = objs(probe.ports).map((p) => ({
    port: `${str(p.port, '?')}/${str(p.proto, 'tcp')}`,
    state: str(p.state, 'unknown'),
    service: str(p.service, 'unknown'),
    reason: str(p.reason),
  }));
  const text = rows.length ? columns([['PORT', 'STATE', 'SERVICE'], ...rows.map((r) => [r.port, r.state, r.service])]) : 'All scanned ports are closed or filtered (no rows).';
  return { target: str(probe.target) || null, method: str(probe.method) || null, rows, text };
}

function rtt(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(3)} ms` : '*';
}

/** A traceroute result (`{ target, hops: [{ ttl, probes: [{ address, rttMs }] }] }`), or null. */
export function tracerouteView(probe: unknown): TracerouteView | null {
  if (!isObj(probe) || !Array.isArray(probe.hops)) return null;
  const rows: HopRow[] = [];
  const lines: string[] = [];
  objs(probe.hops).forEach((hop, i) => {
    const ttl = typeof hop.ttl === 'number' ? hop.ttl : i + 1;
    const probes = objs(hop.probes);
    const addresses: string[] = [];
    let line = `${String(ttl).padStart(2)} `;
    let last: string | null = null;
    for (const p of probes) {
      const addr = typeof p.address === 'string' ? p.address : null;
      if (addr === null || typeof p.rttMs !== 'number') {
        line += ' *';
        continue;
      }
      if (addr !== last) {
        line += ` ${addr}`;
        last = addr;
        if (!addresses.includes(addr)) addresses.push(addr);
      }
      line += `  ${rtt(p.rttMs)}`;
    }
    if (probes.length === 0) line += ' *';
    lines.push(line);
    rows.push({ ttl, address: addresses.length ? addresses.join(', ') : '*', rtts: probes.map((p) => rtt(typeof p.address === 'string' ? p.rttMs : null)).join(', ') || '*' });
  });
  return { target: str(probe.target) || null, rows, text: lines.join('\n') };
}

/** A resolve result (`{ transactions: [{ question: {name,type}, rcode, answers: [...] }] }`), or null. */
export function resolveView(probe: unknown): ResolveView | null {
  if (!isObj(probe) || !Array.isArray(probe.transactions)) return null;
  const rows = objs(probe.transactions).map((t) => {
    const q = isObj(t.question) ? t.question : {};
    const answers = objs(t.answers).map((a) => [str(a.name), str(a.ttl), str(a.type), str(a.data)].filter((s) => s !== '').join(' '));
    return { question: `${str(q.name, '?')} ${str(q.type, '?')}`, rcode: str(t.rcode, '?'), answers: answers.join('\n') };
  });
  return { rows };
}
