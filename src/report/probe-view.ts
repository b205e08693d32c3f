/**
 * What a report shows of a step's typed probe result (scan, traceroute, resolve): the text the
 * CLI prints for it, laid out by the CLI's own formatters (probes/format-nmap.ts,
 * probes/format-trace.ts, dns/format.ts), and the rows of the report's tables. Nothing here lays
 * out a tool's text itself.
 */
import { formatNslookup } from '../dns/format.js';
import type { ResolveProbe, ScanProbe, TracerouteProbe } from '../generated/run-record.js';
import { formatNmap, nmapPorts } from '../probes/format-nmap.js';
import { formatTraceroute, formatTracert } from '../probes/format-trace.js';

export interface PortRow {
  port: string; // "50007/tcp"
  state: string;
  service: string;
  reason: string;
}
export interface ScanView {
  target: string;
  method: string;
  /** The ports nmap lists (a state shared by more than 25 ports is summarised in `notShown`). */
  rows: PortRow[];
  /** nmap's `Not shown: 998 closed tcp ports (conn-refused)` line, or null. */
  notShown: string | null;
  /** What `wirelab scan` prints for this result (nmap's layout), as a listing shows it. */
  text: string;
  /** The equivalent nmap command line, e.g. `nmap -n -Pn -sT -p 50000-50009 203.0.113.10`. */
  command: string;
}
export interface HopRow {
  ttl: number;
  address: string; // addresses seen at this hop, or "*"
  rtts: string; // "0.046 ms, 0.004 ms, *"
}
export interface TracerouteView {
  target: string;
  rows: HopRow[];
  /** What `wirelab trace` prints for this result (traceroute's layout, its header line first). */
  text: string;
  /** The equivalent traceroute command line, e.g. `traceroute -n -I -m 30 203.0.113.10`. */
  command: string;
  reached: boolean;
}
export interface DnsRow {
  question: string; // "www.example.com A"
  rcode: string;
  answers: string; // one "name ttl type data" per line, or ""
}
export interface ResolveView {
  rows: DnsRow[];
  /** What `wirelab resolve` prints for this result (nslookup's layout). */
  text: string;
  /** The equivalent nslookup command line, e.g. `nslookup compeng.example`. */
  command: string;
}

/**
 * A tool's output as a listing shows it: tabs expanded to 8-column stops (as a terminal shows
 * them; listings in Markdown and LaTeX differ on tab widths) and without the final newlines.
 */
export function listingText(output: string): string {
  const lines = output.replace(/\n+$/, '').split('\n');
  return lines
    .map((line) => {
      let out = '';
      for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
      return out;
    })
    .join('\n');
}

const NMAP_METHODS = { connect: '-sT', syn: '-sS', udp: '-sU' } as const;

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

export function scanView(p: ScanProbe): ScanView {
  const { shown, notShown } = nmapPorts(p);
  const ports = p.ports.map((x) => x.port);
  return {
    target: p.target,
    method: p.method,
    rows: shown.map((x) => ({ port: `${x.port}/${x.proto}`, state: x.state, service: x.service, reason: x.reason })),
    notShown,
    text: listingText(formatNmap(p)),
    command: ['nmap -n -Pn', NMAP_METHODS[p.method], ports.length ? `-p ${portSpec(ports)}` : null, p.target].filter(Boolean).join(' '),
  };
}

const rtt = (ms: number | null): string => (ms === null ? '*' : `${ms.toFixed(3)} ms`);

/** `style`: the listing in tracert's layout, hops named by `names` (address → name). */
export function tracerouteView(p: TracerouteProbe, style?: { style: 'tracert'; names: ReadonlyMap<string, string> }): TracerouteView {
  const rows = p.hops.map((hop) => {
    const addresses = [...new Set(hop.probes.map((x) => x.address).filter((a): a is string => a !== null))];
    const rtts = hop.probes.map((x) => `${rtt(x.address === null ? null : x.rttMs)}${x.annotation ? ` ${x.annotation}` : ''}`);
    return { ttl: hop.ttl, address: addresses.length ? addresses.join(', ') : '*', rtts: rtts.join(', ') || '*' };
  });
  const flag = { icmp: '-I', tcp: '-T', udp: null }[p.probe];
  return {
    target: p.target,
    rows,
    text: listingText(style ? formatTracert(p, style.names) : formatTraceroute(p)),
    command: style
      ? ['tracert', style.names.size ? null : '-d', `-h ${p.maxHops}`, p.target].filter(Boolean).join(' ')
      : ['traceroute -n', flag, `-m ${p.maxHops}`, p.target].filter(Boolean).join(' '),
    reached: p.destinationReached,
  };
}

export function resolveView(p: ResolveProbe): ResolveView {
  const rows = p.transactions.map((t) => ({
    question: `${t.question.name} ${t.question.type}`,
    rcode: t.rcode ?? t.error ?? 'no reply',
    answers: t.answers.map((a) => `${a.name} ${a.ttl} ${a.type} ${a.data}`).join('\n'),
  }));
  return { rows, text: listingText(formatNslookup(p, p.defaultTypes ?? false)), command: `nslookup ${p.query}` };
}
