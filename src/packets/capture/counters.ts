/**
 * libpcap's counters of a capture in tcpdump's layout (the last lines `tcpdump -w` prints), and
 * the check that no packet was lost. One formatter for the run's checks and the reports.
 */
import type { CaptureCounters } from '../../generated/run-record.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * tcpdump's closing lines (tcpdump.c `info()`, verbose form): captured, received by filter,
 * dropped by kernel, and dropped by interface only when it is not 0.
 */
export function formatCounters(c: CaptureCounters): string {
  const lines = [
    `${plural(c.captured, 'packet')} captured`,
    `${plural(c.received, 'packet')} received by filter`,
    `${plural(c.droppedByKernel, 'packet')} dropped by kernel`,
  ];
  if (c.droppedByInterface !== 0) lines.push(`${plural(c.droppedByInterface, 'packet')} dropped by interface`);
  return lines.join('\n');
}

/** Packets the capture lost: dropped by the kernel (ring full) or by the interface. */
export function packetsLost(c: CaptureCounters): number {
  return c.droppedByKernel + c.droppedByInterface;
}

/** The capture step's completeness check: passes when libpcap reports no dropped packet. */
export function lossCheck(c: CaptureCounters): { title: string; expected: string; actual: string; passed: boolean; detail?: string } {
  const lost = packetsLost(c);
  const parts = [`${c.droppedByKernel} dropped by kernel`, `${c.droppedByInterface} dropped by interface`];
  return {
    title: 'capture lost no packets',
    expected: '0 packets dropped',
    actual: `${parts.join(', ')} (${c.captured} captured, ${c.received} received by filter)`,
    passed: lost === 0,
    ...(lost === 0
      ? {}
      : {
          detail:
            c.droppedByKernel > 0
              ? `libpcap dropped ${plural(c.droppedByKernel, 'packet')} because the kernel capture buffer was full: the capture file is incomplete, so the packet checks cannot be trusted. Give the capture a bigger buffer (\`buffer:\` in MiB, default 64), or capture less traffic (a narrower \`filter:\`) or fewer bytes per packet (\`snaplen:\`).`
              : `the interface dropped ${plural(c.droppedByInterface, 'packet')} while the capture ran: they are missing from the capture file.`,
        }),
  };
}

/**
 * Reads tcpdump's closing lines back (the layout `formatCounters` prints): the last
 * `N packets captured` in the lines and the counters after it; undefined when there is none
 * (the capture was killed before it could print them).
 */
export function parseCounters(lines: readonly string[]): CaptureCounters | undefined {
  let found: CaptureCounters | undefined;
  for (const raw of lines) {
    const m = /^(\d+) packets? (captured|received by filter|dropped by kernel|dropped by interface)$/.exec(raw.trim().replace(/^\^C/, '')); // a Ctrl-C the terminal echoed starts the first line
    if (!m) continue;
    const n = Number(m[1]);
    if (m[2] === 'captured') found = { captured: n, received: 0, droppedByKernel: 0, droppedByInterface: 0 };
    else if (found && m[2] === 'received by filter') found.received = n;
    else if (found && m[2] === 'dropped by kernel') found.droppedByKernel = n;
    else if (found) found.droppedByInterface = n;
  }
  return found;
}
