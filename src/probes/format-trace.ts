import type { TraceHop, TraceResult } from './trace.js';

/** Bytes of one probe on the wire (IP header included), as traceroute's header line states it. */
export function probeBytes(probe: TraceResult['probe']): number {
  return probe === 'tcp' ? 44 : 60;
}

/**
 * Linux traceroute's text (`-n`): a header line, then per hop `%2u ` and for each probe ` *`
 * for silence, or the address (printed only when it differs from the previous answering probe
 * of the hop) followed by `  %.3f ms` and a ` !H`-style mark for unreachables.
 */
export function formatTraceroute(result: TraceResult): string {
  const lines = [`traceroute to ${result.target} (${result.target}), ${result.maxHops} hops max, ${probeBytes(result.probe)} byte packets`];
  for (const hop of result.hops) lines.push(tracerouteHop(hop));
  return lines.join('\n') + '\n';
}

function tracerouteHop(hop: TraceHop): string {
  let line = `${String(hop.ttl).padStart(2)} `;
  let prev: string | null = null;
  for (const p of hop.probes) {
    if (p.address === null) {
      line += ' *';
      continue;
    }
    if (p.address !== prev) line += ` ${p.address}`;
    prev = p.address;
    line += `  ${(p.rttMs ?? 0).toFixed(3)} ms`;
    if (p.annotation) line += ` ${p.annotation}`;
  }
  return line;
}

/**
 * Windows tracert's text: `Tracing route to …`, per hop `%3u` then one 9-character cell per
 * probe (`    <1 ms`, `     3 ms`, `     *   `), two spaces and the hop's address (the last
 * one that answered) or `Request timed out.`, then `Trace complete.` With `names` (address →
 * name, from reverse lookups), an address that has one is shown as tracert does: `name [address]`.
 */
export function formatTracert(result: TraceResult, names: ReadonlyMap<string, string> = new Map()): string {
  const named = (a: string) => (names.has(a) ? `${names.get(a)} [${a}]` : a);
  // tracert breaks the header after a named target ("… [addr]" / "over a maximum of 30 hops:")
  const head = names.has(result.target)
    ? [`Tracing route to ${named(result.target)}`, `over a maximum of ${result.maxHops} hops:`]
    : [`Tracing route to ${result.target} over a maximum of ${result.maxHops} hops`];
  const lines = ['', ...head, ''];
  for (const hop of result.hops) {
    const cells = hop.probes.map((p) => {
      if (p.rttMs === null) return '     *   ';
      const ms = p.rttMs < 1 ? '<1' : String(Math.round(p.rttMs));
      return `${ms.padStart(6)} ms`;
    });
    const answered = hop.probes.filter((p) => p.address !== null);
    const last = answered[answered.length - 1];
    const tail = last
      ? `${named(last.address!)}${last.annotation ? ` reports: Destination ${unreachWord(last.annotation)} unreachable.` : ''}`
      : 'Request timed out.';
    lines.push(`${String(hop.ttl).padStart(3)}${cells.join('')}  ${tail}`);
  }
  lines.push('', 'Trace complete.');
  return lines.join('\n') + '\n';
}

function unreachWord(mark: string): string {
  return mark === '!N' ? 'net' : mark === '!P' ? 'protocol' : 'host';
}
