/**
 * Expected packet sequences: parse (`parsePattern`, `parsePatternLine`) and match against decoded
 * packets (`matchPackets`). See pattern-parse.ts for the line grammar and pattern-match.ts for
 * the matching rules.
 */
import type { DecodedPacket } from './types.js';
import type { IgnoreKind, Pattern, PatternContext } from './pattern-types.js';
import { align, type AlignStep } from './pattern-match.js';
import { renderReport } from './pattern-report.js';
import { EndpointResolver } from './pattern-pred.js';

export * from './pattern-types.js';
export { parsePatternLine } from './pattern-parse.js';
export { parsePattern, unknownHosts, type PatternEntry } from './pattern-list.js';
export type { AlignStep } from './pattern-match.js';

export interface MatchOptions {
  /** Added to the pattern's own `ignore:` kinds. */
  ignore?: IgnoreKind[];
}

export interface MatchResult {
  ok: boolean;
  /** Counted items (packet lines, gaps with a minimum) matched in the best alignment. */
  matchedItems: number;
  totalItems: number;
  /**
   * Partial credit: matchedItems / totalItems; unexpected packets count as one more failed item
   * (so a capture with every item but extra packets scores total / (total + 1)). 1 when ok.
   */
  fraction: number;
  /** For each item (by index), the frame numbers (No.) it took; [] for a missing or empty one. */
  mapping: number[][];
  /** Frame numbers no item took and no `ignore:` allowed. */
  unexpected: number[];
  /** The best alignment, step by step (packet = index into `packets`). */
  steps: AlignStep[];
  /** Plain-text report: verdict, first divergence, expected beside observed. */
  report: string;
}

/**
 * Matches `pattern` against the whole capture (anchored at both ends; use `...` for "anything").
 * Host names are resolved through `ctx.hosts`; an unknown one throws a UsageError. Deterministic,
 * O(packets × pattern states) time and memory.
 */
export function matchPackets(pattern: Pattern, packets: readonly DecodedPacket[], ctx: PatternContext, opts: MatchOptions = {}): MatchResult {
  const ignore = [...new Set([...pattern.ignore, ...(opts.ignore ?? [])])];
  const p: Pattern = { ...pattern, ignore };
  const a = align(p, packets, ctx);
  const mapping: number[][] = p.items.map(() => []);
  const unexpected: number[] = [];
  for (const st of a.steps) {
    if (st.kind === 'consume') mapping[st.item]!.push(packets[st.packet]!.no);
    if (st.kind === 'extra') unexpected.push(packets[st.packet]!.no);
  }
  const denom = a.totalItems + (a.unexpected > 0 ? 1 : 0);
  const fraction = a.ok ? 1 : denom === 0 ? 0 : a.matchedItems / denom;
  const report = renderReport(p, packets, a, new EndpointResolver(ctx));
  return { ok: a.ok, matchedItems: a.matchedItems, totalItems: a.totalItems, fraction, mapping, unexpected, steps: a.steps, report };
}
