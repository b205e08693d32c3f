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
  /** The equivalent nmap command line, e.g. `nmap -n -Pn -sT -p 50000-50009 203.0.113.10`. */
  command: string;
  /** The whole scan in nmap's normal-output layout: report line, host state, ports, `Nmap done`. */
  nmap: string;
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
  /** The equivalent traceroute command line, e.g. `traceroute -n -I -m 30 203.0.113.10`. */
  command: string;
  /** traceroute's first line: `traceroute to 203.0.113.10 (203.0.113.10), 30 hops max`. */
  header: string;
  /** Whether the last hop was the target (null when the result does not say). */
  reached: boolean | null;
}
export interface DnsRow {
  question: string; // "www.example.com A"
  rcode: string;
  answers: string; // one "name ttl type data" per line, or ""
}
export interface ResolveView {
  rows: DnsRow[];
  /** The equivalent nslookup command line, e.g. `nslookup compeng.example`. */
  command: string;
  /** The lookup in nslookup's layout: `Server:`/`Address:`, then `Name:`/`Address:` per answer. */
  nslookup: string;
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
  const target = str(probe.target) || null;
  const method = str(probe.method) || null;
  const view = { target, method, rows, notShown, text: notShown ? `${notShown}\n${table}` : table };
  return { ...view, command: nmapCommand(target, method, all), nmap: nmapText(probe, view, all) };
}

const NMAP_METHODS: Record<string, string> = { connect: '-sT', syn: '-sS', udp: '-sU' };

/** `50000-50009,50020`: sorted port numbers with consecutive runs joined. */
export function portSpec(ports: number[]): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return parts.join(',');
}

function nmapCommand(target: string | null, method: string | null, all: PortRow[]): string {
  const ports = all.map((r) => Number.parseInt(r.port, 10)).filter((p) => Number.isFinite(p));
  const flag = method ? NMAP_METHODS[method] ?? `(${method} scan)` : null;
  return ['nmap -n -Pn', flag, ports.length ? `-p ${portSpec(ports)}` : null, target ?? '?'].filter(Boolean).join(' ');
}

/** nmap's latency: seconds with two significant digits (`0.030s`, `0.00015s`). */
export function nmapSeconds(ms: number): string {
  const s = ms / 1000;
  const digits = s > 0 ? Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(s)))) : 2;
  return `${s.toFixed(digits)}s`;
}

function nmapText(probe: Obj, view: Omit<ScanView, 'command' | 'nmap'>, all: PortRow[]): string {
  // nmap prints the smoothed RTT (srtt) of the host's answers; records without it give the fastest answer
  const rtts = objs(probe.ports).map((p) => p.rttMs).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const latency = typeof probe.srttMs === 'number' && Number.isFinite(probe.srttMs) ? probe.srttMs : rtts.length ? Math.min(...rtts) : undefined;
  const lines = [`Nmap scan report for ${view.target ?? '?'}`, latency !== undefined ? `Host is up (${nmapSeconds(latency)} latency).` : 'Host is up.'];
  if (view.rows.length) {
    if (view.notShown) lines.push(view.notShown);
    lines.push('', columns([['PORT', 'STATE', 'SERVICE'], ...view.rows.map((r) => [r.port, r.state, r.service])]));
  } else {
    lines.push('', all.length ? `All ${all.length} scanned ports on ${view.target ?? '?'} are in ignored states.` : 'No ports were scanned.');
    if (view.notShown) lines.push(view.notShown);
  }
  const elapsed = typeof probe.elapsedMs === 'number' ? ` scanned in ${(probe.elapsedMs / 1000).toFixed(2)} seconds` : '';
  lines.push('', `Nmap done: 1 IP address (1 host up)${elapsed}`);
  return lines.join('\n');
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
  const target = str(probe.target) || null;
  const maxHops = typeof probe.maxHops === 'number' ? probe.maxHops : null;
  const flag = { icmp: '-I', tcp: '-T', udp: null }[str(probe.probe)] ?? null;
  const command = ['traceroute -n', flag, maxHops === null ? null : `-m ${maxHops}`, target ?? '?'].filter(Boolean).join(' ');
  const header = `traceroute to ${target ?? '?'} (${target ?? '?'})${maxHops === null ? '' : `, ${maxHops} hops max`}`;
  const last = objs(probe.hops).at(-1);
  const reached = typeof probe.reached === 'boolean' ? probe.reached : last && typeof last.reached === 'boolean' ? last.reached : null;
  return { target, rows, text: lines.join('\n'), command, header, reached };
}

/** A resolve result (`{ transactions: [{ question: {name,type}, rcode, answers: [...] }] }`), or null. */
export function resolveView(probe: unknown): ResolveView | null {
  if (!isObj(probe) || !Array.isArray(probe.transactions)) return null;
  const rows = objs(probe.transactions).map((t) => {
    const q = isObj(t.question) ? t.question : {};
    const answers = objs(t.answers).map((a) => [str(a.name), str(a.ttl), str(a.type), str(a.data)].filter((s) => s !== '').join(' '));
    return { question: `${str(q.name, '?')} ${str(q.type, '?')}`, rcode: str(t.rcode, '?'), answers: answers.join('\n') };
  });
  const query = str(probe.query) || str(probe.name) || '?';
  return { rows, command: `nslookup ${query}`, nslookup: nslookupText(probe, query) };
}

/** nslookup's layout (tabs expanded to 8-column stops, as a terminal shows them). */
function nslookupText(probe: Obj, query: string): string {
  const server = isObj(probe.server) ? probe.server : {};
  const address = str(server.address, '?');
  const lines = [`Server:         ${address}`, `Address:        ${address}#${str(server.port, '53')}`, ''];
  const rcode = str(probe.rcode, '?');
  const answers = isObj(probe.answers) ? probe.answers : {};
  const addresses = ['A', 'AAAA'].flatMap((type) => (Array.isArray(answers[type]) ? (answers[type] as unknown[]).map((a) => str(a)).filter(Boolean) : []));
  if (rcode !== 'NOERROR') {
    lines.push(`** server can't find ${query}: ${rcode}`);
    return lines.join('\n');
  }
  if (probe.authoritative === false) lines.push('Non-authoritative answer:');
  const name = str(probe.name) || query;
  for (const alias of Array.isArray(probe.aliases) ? probe.aliases : []) if (Array.isArray(alias) && alias.length === 2) lines.push(`${str(alias[0])}  canonical name = ${str(alias[1])}.`);
  if (addresses.length === 0) lines.push(`*** Can't find ${query}: No answer`);
  for (const a of addresses) lines.push(`Name:   ${name}`, `Address: ${a}`);
  return lines.join('\n');
}
