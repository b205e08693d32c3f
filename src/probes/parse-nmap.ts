/**
 * Reads nmap's normal output (and `wirelab scan`'s, which format-nmap.ts lays out the same
 * way) back into port states, and an nmap command line into its scan type, ports and targets:
 * what a check on a student's recorded session needs. Ports the table does not list take the
 * state of the `Not shown:` line when there is exactly one hidden state.
 */
import { parsePorts } from './ports.js';
import type { PortState } from './scan-types.js';

export interface NmapReport {
  /** The name or address after "scan report for". */
  target: string;
  /** The address in parentheses (`server (203.0.113.10)`), else the target when it is one. */
  address?: string;
  /** The ports the table lists. */
  listed: { port: number; proto: string; state: string; service: string }[];
  /** `Not shown:` entries: `8 filtered tcp ports (no-response)`. */
  notShown: { count: number; state: string; proto: string; reason?: string }[];
}

const REPORT = /^(?:Nmap|wirelab) scan report for (\S+)(?: \(([^)]+)\))?\s*$/;
const ROW = /^(\d+)\/(tcp|udp|sctp)\s+(\S+)\s*(\S*)/;
const NOT_SHOWN_ITEM = /(\d+) (\S+) (tcp|udp|sctp) ports?(?: \(([^)]+)\))?/g;

/** Every host report in the lines of nmap's output, in order. */
export function parseNmapOutput(lines: readonly string[]): NmapReport[] {
  const reports: NmapReport[] = [];
  let cur: NmapReport | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    const r = REPORT.exec(line);
    if (r) {
      cur = { target: r[1], listed: [], notShown: [] };
      const addr = r[2] ?? (/^[0-9.]+$|:/.test(r[1]) ? r[1] : undefined);
      if (addr) cur.address = addr;
      reports.push(cur);
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('Not shown:')) {
      for (const m of line.matchAll(NOT_SHOWN_ITEM))
        cur.notShown.push({ count: Number(m[1]), state: m[2], proto: m[3], ...(m[4] ? { reason: m[4] } : {}) });
      continue;
    }
    const row = ROW.exec(line);
    if (row) cur.listed.push({ port: Number(row[1]), proto: row[2], state: row[3], service: row[4] });
  }
  return reports;
}

/**
 * The state of each scanned port: the listed ones, the others from a single `Not shown:` state
 * when its count fits; a port whose state the output does not tell is absent.
 */
export function portStates(report: NmapReport, scanned: readonly number[] | undefined): Map<number, string> {
  const states = new Map<number, string>(report.listed.map((p) => [p.port, p.state]));
  if (!scanned) return states;
  const rest = scanned.filter((p) => !states.has(p));
  const hidden = new Set(report.notShown.map((n) => n.state));
  const count = report.notShown.reduce((a, n) => a + n.count, 0);
  if (hidden.size === 1 && count === rest.length) for (const p of rest) states.set(p, [...hidden][0]);
  return states;
}

export interface NmapCommand {
  /** `-sS` syn, `-sT` connect, `-sU` udp; undefined when the line names none (nmap's default). */
  method?: 'syn' | 'connect' | 'udp';
  /** The ports of `-p`, undefined without it (nmap's 1,000 most common ports). */
  ports?: number[];
  /** The `-p` text as typed. */
  portSpec?: string;
  /** The words that are not options or option values: the targets. */
  targets: string[];
  /** `-p` could not be read (the error). */
  portError?: string;
}

/** nmap options that take a value in the next word (the ones a lab uses; others are read as targets, harmlessly). */
const TAKES_VALUE = new Set([
  '-p',
  '-e',
  '-S',
  '-g',
  '-D',
  '-T',
  '-oN',
  '-oX',
  '-oG',
  '-oA',
  '-iL',
  '--max-retries',
  '--host-timeout',
  '--initial-rtt-timeout',
  '--min-rtt-timeout',
  '--max-rtt-timeout',
  '--scan-delay',
  '--max-scan-delay',
  '--min-rate',
  '--max-rate',
  '--source-port',
  '--dns-servers',
  '--exclude',
  '--ttl',
  '--top-ports',
  '--data-length',
  '--script',
]);

/** Reads an nmap command line (its words after the program). */
export function parseNmapCommand(args: readonly string[]): NmapCommand {
  const out: NmapCommand = { targets: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const scanType = /^-s([STU])/.exec(a);
    if (scanType) out.method = ({ S: 'syn', T: 'connect', U: 'udp' } as const)[scanType[1] as 'S' | 'T' | 'U'];
    let spec: string | undefined;
    if (a === '-p') spec = args[++i];
    else if (/^-p[0-9TU,-]/.test(a)) spec = a.slice(2);
    else if (a.startsWith('-')) {
      if (TAKES_VALUE.has(a)) i++;
      continue;
    } else out.targets.push(a);
    if (spec !== undefined) {
      out.portSpec = spec;
      try {
        out.ports = parsePorts(spec.replace(/[TU]:/g, ''));
      } catch (e) {
        out.portError = (e as Error).message;
      }
    }
  }
  return out;
}

export type { PortState };
