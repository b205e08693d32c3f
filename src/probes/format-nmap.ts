import type { PortResult, ScanResult } from './scan-types.js';

/** nmap hides a non-open state when more than this many ports share it (PortList::isIgnoredState). */
export const MAX_SHOWN_PER_STATE = 25;

export interface NmapFormatOptions {
  /** Add nmap's `--reason` column. */
  reason?: boolean;
}

/**
 * Lays a scan result out like nmap 7.93's normal output: the `Not shown:` summary for every
 * closed/filtered state with more than 25 ports (largest state first, one entry per reason:
 * `N closed tcp ports (conn-refused)`, `N open|filtered udp ports (no-response)`, singular `port` for 1), then the `PORT STATE SERVICE` table whose columns are
 * padded to the widest cell plus one space. When every port is hidden nmap prints `All N
 * scanned ports on T are in ignored states.` instead of the table. As in nmap, the blank line
 * before the table appears only when there is no `Not shown:` line.
 */
export function formatNmap(result: ScanResult, opts: NmapFormatOptions = {}): string {
  const lines: string[] = [`wirelab scan report for ${result.target}`];
  const { shown, notShown } = nmapPorts(result);
  if (shown.length === 0 && result.ports.length > 0) {
    lines.push(`All ${result.ports.length} scanned ports on ${result.target} are in ignored states.`);
  }
  lines.push(notShown ?? '');
  if (shown.length) {
    const header = ['PORT', 'STATE', 'SERVICE', ...(opts.reason ? ['REASON'] : [])];
    const rows = shown.map((p) => [`${p.port}/${p.proto}`, p.state, p.service, ...(opts.reason ? [p.reason] : [])]);
    lines.push(...table([header, ...rows]));
  }
  const kind = { syn: 'SYN', connect: 'connect', udp: 'UDP' }[result.method];
  lines.push(
    '',
    `wirelab done: ${result.ports.length} port${result.ports.length === 1 ? '' : 's'} (${kind} scan, ${result.probesSent} probe${result.probesSent === 1 ? '' : 's'}) scanned in ${(result.elapsedMs / 1000).toFixed(2)} seconds`,
  );
  return lines.join('\n') + '\n';
}

/**
 * Which ports nmap lists and its `Not shown:` line (null when every state is listed): a
 * closed/filtered state shared by more than 25 ports is hidden, one entry per reason.
 */
export function nmapPorts(result: Pick<ScanResult, 'ports'>): { shown: PortResult[]; notShown: string | null } {
  const counts = new Map<string, PortResult[]>();
  for (const p of result.ports) {
    const list = counts.get(p.state);
    if (list) list.push(p);
    else counts.set(p.state, [p]);
  }
  const ignored = [...counts.entries()]
    .filter(([state, list]) => state !== 'open' && list.length > MAX_SHOWN_PER_STATE)
    .sort((a, b) => b[1].length - a[1].length || STATE_ORDER.indexOf(a[0]) - STATE_ORDER.indexOf(b[0]));
  const hidden = new Set(ignored.map(([state]) => state));
  return {
    shown: result.ports.filter((p) => !hidden.has(p.state)),
    notShown: ignored.length ? 'Not shown: ' + ignored.flatMap(([state, list]) => notShownParts(state, list)).join(', ') : null,
  };
}

/** nmap's state numbering (closed < open < filtered < open|filtered), which breaks ties between equally large states. */
const STATE_ORDER = ['closed', 'open', 'filtered', 'open|filtered'];

/**
 * One entry per reason of a hidden state, largest first: `40 filtered tcp ports
 * (port-unreach)`, `30 filtered tcp ports (no-response)` (verified against nmap 7.93 -sS).
 */
function notShownParts(state: string, list: PortResult[]): string[] {
  const reasons = new Map<string, number>();
  for (const p of list) reasons.set(p.reason, (reasons.get(p.reason) ?? 0) + 1);
  return [...reasons.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${n} ${state} ${list[0].proto} port${n === 1 ? '' : 's'} (${reason})`);
}

/** Left-aligned columns, each as wide as its widest cell plus one space; the last is not padded. */
export function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] + 1))).join(''));
}
