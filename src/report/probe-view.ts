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
  /** The ports nmap would list (see MAX_SHOWN_PER_STATE). */
  rows: PortRow[];
  /** nmap's `Not shown: 998 closed tcp ports (conn-refused)` summary, or null. */
  notShown: string | null;
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
  const all = objs(probe.ports).map((p) => ({
    port: `${str(p.port, '?')}/${str(p.proto, 'tcp')}`,
    state: str(p.state, 'unknown'),
    service: str(p.service, 'unknown'),
    reason: str(p.reason),
  }));
  // Like nmap: a non-open state shared by more than 25 ports is summarised, not listed.
  const byState = new Map<string, PortRow[]>();
  for (const r of all) byState.set(r.state, [...(byState.get(r.state) ?? []), r]);
  const ignored = [...byState.entries()].filter(([state, list]) => state !== 'open' && list.length > MAX_SHOWN_PER_STATE).sort((a, b) => b[1].length - a[1].length);
  const hidden = new Set(ignored.map(([state]) => state));
  const rows = all.filter((r) => !hidden.has(r.state));
  const notShown = ignored.length ? `Not shown: ${ignored.map(([state, list]) => notShownPart(state, list)).join(', ')}` : null;
  const table = rows.length ? columns([['PORT', 'STATE', 'SERVICE'], ...rows.map((r) => [r.port, r.state, r.service])]) : all.length ? `All ${all.length} scanned ports are in ignored states.` : 'No ports were scanned.';
  return { target: str(probe.target) || null, method: str(probe.method) || null, rows, notShown, text: notShown ? `${notShown}\n${table}` : table };
}

/** nmap hides a non-open state when more than this many ports share it. */
export const MAX_SHOWN_PER_STATE = 25;

/** `65533 closed tcp ports (conn-refused)`; several reasons are listed with their counts. */
function notShownPart(state: string, list: PortRow[]): string {
  const reasons = new Map<string, number>();
  for (const p of list) reasons.set(p.reason, (reasons.get(p.reason) ?? 0) + 1);
  const sorted = [...reasons.entries()].sort((a, b) => b[1] - a[1]);
  const why = sorted.length === 1 ? sorted[0][0] : sorted.map(([r, n]) => `${n} ${r}`).join(', ');
  const proto = list[0].port.split('/')[1] ?? 'tcp';
  return `${list.length} ${state} ${proto} port${list.length === 1 ? '' : 's'} (${why})`;
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
      if (typeof p.annotation === 'string') line += ` ${p.annotation}`;
    }
    if (probes.length === 0) line += ' *';
    lines.push(line);
    rows.push({ ttl, address: addresses.length ? addresses.join(', ') : '*', rtts: probes.map((p) => `${rtt(typeof p.address === 'string' ? p.rttMs : null)}${typeof p.annotation === 'string' ? ` ${p.annotation}` : ''}`).join(', ') || '*' });
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
