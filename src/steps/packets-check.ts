import type { PacketExpect } from '../generated/scenario.js';
import type { DecodedPacket } from '../packets/types.js';
import { entryLine, matchPackets, parsePattern, unknownHosts, type PatternEntry } from '../packets/pattern/index.js';
import type { StepRunContext } from './context.js';
import type { CheckScope } from './kind.js';

/** Static checks of an `expect: packets:` list: syntax (with columns) and host names. */
export function checkPatterns(
  expect: PacketExpect | undefined,
  scope: CheckScope,
  at: (string | number)[],
  extraHosts: string[] = [],
): void {
  const entries = (expect?.packets ?? []) as PatternEntry[];
  if (!entries.length) return;
  const parsed = parsePattern(entries);
  // a plain line is the entry itself; a `{ packet: line }` entry has its line under `packet`
  const report = (i: number, col: number, code: string, msg: string) => {
    const entry = entries[i];
    if (typeof entry === 'string') scope.errorInValue([...at, 'packets', i], col, code, msg);
    else if (entryLine(entry) !== undefined && col > 1) scope.errorInValue([...at, 'packets', i, 'packet'], col, code, msg);
    else scope.error([...at, 'packets', i], code, msg);
  };
  if ('errors' in parsed) {
    for (const e of parsed.errors)
      report(e.index, e.col, 'bad-packet-pattern', `${e.message}${e.expected?.length ? `; expected ${e.expected.join(', ')}` : ''}`);
    return;
  }
  for (const e of unknownHosts(entries, [...scope.hosts, ...scope.known('fixture'), ...scope.known('conn'), ...extraHosts]))
    report(e.index, e.col, 'unknown-host', `${e.message}; names: ${e.expected?.join(', ') ?? 'none'}`);
}

/** Runs the packet expectations of a capture or inspect step and records the checks. */
export function checkPackets(expect: PacketExpect, packets: DecodedPacket[], hosts: Record<string, string[]>, ctx: StepRunContext): void {
  if (expect.count) {
    const { min, max } = expect.count;
    const n = packets.length;
    ctx.check({
      title: 'number of packets',
      expected: [min !== undefined ? `at least ${min}` : '', max !== undefined ? `at most ${max}` : ''].filter(Boolean).join(' and '),
      actual: String(n),
      passed: (min === undefined || n >= min) && (max === undefined || n <= max),
    });
  }
  if (!expect.packets?.length) return;
  const parsed = parsePattern(expect.packets);
  if ('errors' in parsed) throw new Error(`invalid packet pattern: ${parsed.errors[0].message}`);
  const m = matchPackets(parsed.pattern, packets, { hosts }, { ignore: expect.ignore ?? [] });
  const weighted = parsed.pattern.items.some((it) => it.weight !== undefined);
  ctx.check({
    title: 'packet sequence',
    expected: `${m.totalItems} expected packet line(s)`,
    actual: m.ok
      ? `all matched (${packets.length} packets)`
      : `${m.matchedItems} of ${m.totalItems} matched${weighted ? ` (weight ${m.weight.matched} of ${m.weight.total})` : ''}${m.unexpected.length ? `, ${m.unexpected.length} unexpected packet(s)` : ''}`,
    passed: m.ok,
    fraction: m.fraction,
    ...(m.ok ? {} : { detail: m.report }),
  });
}

/**
 * Names usable in patterns: the run's hosts (their addresses), fixtures and connections (their
 * `address:port`, which tells the two ends apart on loopback), and the step's own names.
 */
export function patternHosts(ctx: StepRunContext, extra: Record<string, string | string[]> = {}): Record<string, string[]> {
  const hosts: Record<string, string[]> = Object.fromEntries(ctx.run.addresses);
  for (const [k, v] of ctx.run.endpoints) hosts[k] = [v];
  for (const [k, v] of Object.entries(extra)) hosts[k] = [v].flat();
  return hosts;
}
