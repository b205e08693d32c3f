/** The CLI's text of a recorded probe result, for tests that compare it with a report. */
import { resolveOutput } from '../../src/commands/resolve.js';
import { scanOutput } from '../../src/commands/scan.js';
import { traceOutput } from '../../src/commands/trace.js';
import type { ProbeRecord } from '../../src/generated/run-record.js';

/** What the CLI prints for a record's probe (the command's own output function, default flags). */
export function cliText(p: ProbeRecord): string {
  switch (p.kind) {
    case 'scan': {
      const { kind: _, ...result } = p;
      return scanOutput(result, {});
    }
    case 'traceroute': {
      const { kind: _, ...result } = p;
      return traceOutput(result, { style: 'traceroute' });
    }
    case 'resolve': {
      const { kind: _, defaultTypes, ...result } = p;
      return resolveOutput(result, { defaultTypes: defaultTypes ?? false });
    }
  }
}
/** What a listing does to any text (the test's own rule, not the report's code). */
export function asListed(text: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) =>
      line
        .split('\t')
        .reduce(
          (acc, part, i, all) => (i < all.length - 1 ? (acc + part).padEnd(Math.floor((acc + part).length / 8) * 8 + 8) : acc + part),
          '',
        ),
    )
    .join('\n');
}
