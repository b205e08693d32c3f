/**
 * Expected packet sequences: parse (`parsePattern`, `parsePatternLine`) and match against decoded
 * packets (`matchPackets`). See pattern-parse.ts for the line grammar and pattern-match.ts for
 * the matching rules.
 */
import type { DecodedPacket } from '../types.js';
import type { IgnoreKind, Pattern, PatternContext } from './types.js';
import { align, type AlignStep } from './match.js';
import { renderReport } from './report.js';
import { EndpointResolver } from './pred.js';

export * from './types.js';
export { parsePatternLine } from './parse.js';
export { entryLine, parsePattern, unknownHosts, type PatternEntry } from './list.js';
export type { AlignStep } from './match.js';

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
   * Partial credit: the weight of the matched items over the weight of all counted items (each
   * item weighs its `weight`, default 1); unexpected packets count as one more failed item of the
   * mean weight (so a capture with every item but extra packets scores total / (total + 1)). 1
   * when ok; 0 when nothing that weighs anything matched.
   */
  fraction: number;
  /** Weight of the matched counted items and of all of them (as many as the items unweighted). */
  weight: { matched: number; total: number };
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
export function matchPackets(
  pattern: Pattern,
  packets: readonly DecodedPacket[],
  ctx: PatternContext,
  opts: MatchOptions = {},
): MatchResult {
  const ignore = [...new Set([...pattern.ignore, ...(opts.ignore ?? [])])];
  const p: Pattern = { ...pattern, ignore };
  const a = align(p, packets, ctx);
  const mapping: number[][] = p.items.map(() => []);
  const unexpected: number[] = [];
  for (const st of a.steps) {
    if (st.kind === 'consume') mapping[st.item].push(packets[st.packet].no);
    if (st.kind === 'extra') unexpected.push(packets[st.packet].no);
  }
  const w = weights(p, a);
  const fraction = a.ok ? 1 : w.fraction;
  const report = renderReport(p, packets, a, new EndpointResolver(ctx));
  return {
    ok: a.ok,
    matchedItems: a.matchedItems,
    totalItems: a.totalItems,
    fraction,
    weight: { matched: w.matched, total: w.total },
    mapping,
    unexpected,
    steps: a.steps,
    report,
  };
}

/** Counted items: packet lines, and gaps that need at least one packet (as in align). */
const counted = (it: Pattern['items'][number]) => it.kind === 'packet' || it.min > 0;

function weights(p: Pattern, a: ReturnType<typeof align>): { matched: number; total: number; fraction: number } {
  const weight = (i: number) => p.items[i].weight ?? 1;
  let total = 0;
  let n = 0;
  p.items.forEach((it, i) => {
    if (!counted(it)) return;
    total += weight(i);
    n++;
  });
  let matched = 0;
  for (const st of a.steps) if (st.kind === 'advance' && counted(p.items[st.item])) matched += weight(st.item);
  const denom = total + (a.unexpected > 0 && n > 0 ? total / n : 0);
  return { matched, total, fraction: denom > 0 ? matched / denom : 0 };
}
