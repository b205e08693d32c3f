/**
 * Matching a pattern against a capture: a regular expression over packets, solved by dynamic
 * programming over (packet index × NFA state) — no backtracking, O(packets × states) time and
 * memory, deterministic.
 *
 * NFA state (i, c): at item i having matched c of its packets (c capped at the item's maximum,
 * or its minimum when unbounded). Moves from state s before packet j:
 *  - consume: packet j matches item i (gaps match anything)        score 0
 *  - advance: item i has its minimum count, go to item i+1          +W if the item counts
 *  - drop:    give item i up without its minimum (a failed item)    0
 *  - skip:    packet j is ignorable (`ignore:`)                     0
 *  - extra:   packet j is unexpected (no item takes it)             −1
 * W = packets+1, so the best score is: most items matched, then fewest unexpected packets. The
 * pattern matches exactly when the best score is (counted items)×W. The walk that rebuilds the
 * alignment prefers, in order: gaps advance before consuming (lazy); packet items consume (greedy
 * repeats), then advance, then skip, drop, extra. Items take packets as early as possible.
 */
import { UsageError } from '../../errors.js';
import type { DecodedPacket } from '../types.js';
import type { IgnoreKind, Pattern } from './types.js';
import { EndpointResolver, ignorable, packetMatches } from './pred.js';
import type { PatternContext } from './types.js';

/** One step of the alignment between items and packets (packet = index into the array). */
export type AlignStep =
  | { kind: 'consume'; item: number; packet: number }
  | { kind: 'advance'; item: number }
  | { kind: 'drop'; item: number }
  | { kind: 'skip'; packet: number; reason: IgnoreKind }
  /** `item`: the item being matched when it came (undefined after the last item). */
  | { kind: 'extra'; packet: number; item?: number };

export interface Alignment {
  ok: boolean;
  /** Counted items (packet lines and gaps with a minimum) that were matched. */
  matchedItems: number;
  totalItems: number;
  /** Packets no item took and no `ignore:` allowed. */
  unexpected: number;
  steps: AlignStep[];
}

/** Largest DP table (entries) we allow: 64 M × 4 bytes. */
const MAX_CELLS = 64 * 1024 * 1024;

export function align(pattern: Pattern, packets: readonly DecodedPacket[], ctx: PatternContext): Alignment {
  const items = pattern.items;
  const m = items.length;
  const n = packets.length;
  const resolver = new EndpointResolver(ctx);
  for (const it of items) for (const sp of it.anyOf ?? [it.spec]) resolver.check(sp);
  const cap = items.map((it) => (Number.isFinite(it.max) ? it.max : it.min));
  const off: number[] = [];
  let S = 0;
  for (let i = 0; i < m; i++) {
    off.push(S);
    S += cap[i] + 1;
  }
  const F = S++;
  if ((n + 1) * S > MAX_CELLS)
    throw new UsageError(`packet pattern too large for this capture (${n} packets × ${S} states)`, 'pattern-size');
  const counted = items.map((it) => it.kind === 'packet' || it.min > 0);
  const totalItems = counted.filter(Boolean).length;
  const W = n + 1;
  const ign = packets.map((p) => ignorable(p, pattern.ignore));
  // Predicate results, computed once per (packet, item) in the backward pass, reused forward.
  const hits = new Uint8Array(n * m);
  let row = hits.subarray(0, m);
  const fillRow = (j: number, compute: boolean): void => {
    row = hits.subarray(j * m, j * m + m);
    if (!compute) return;
    const p = packets[j];
    for (let i = 0; i < m; i++) {
      const it = items[i];
      row[i] =
        it.kind === 'gap' || (it.anyOf ? it.anyOf.some((sp) => packetMatches(p, sp, resolver)) : packetMatches(p, it.spec!, resolver))
          ? 1
          : 0;
    }
  };
  const best = new Int32Array((n + 1) * S);
  const NONE = -0x7fffffff;

  /** Calls `visit(move, score)` for each move from state (i,c)/F at j, in preference order. */
  const moves = (i: number, c: number, j: number, visit: (step: AlignStep | null, next: number, score: number) => boolean): void => {
    const at = (s: number, jj: number) => best[jj * S + s];
    if (i < m) {
      const it = items[i];
      const next = i + 1 < m ? off[i + 1] : F;
      const consume = (): boolean =>
        j < n &&
        row[i] === 1 &&
        c < it.max &&
        visit({ kind: 'consume', item: i, packet: j }, off[i] + Math.min(c + 1, cap[i]), at(off[i] + Math.min(c + 1, cap[i]), j + 1));
      const advance = (): boolean => c >= it.min && visit({ kind: 'advance', item: i }, next, at(next, j) + (counted[i] ? W : 0));
      if (it.kind === 'gap') {
        if (advance() || consume()) return;
      } else if (consume() || advance()) return;
      if (j < n && ign[j] && visit({ kind: 'skip', packet: j, reason: ign[j] }, off[i] + c, at(off[i] + c, j + 1))) return;
      if (c < it.min && visit({ kind: 'drop', item: i }, next, at(next, j))) return;
      if (j < n && !ign[j]) visit({ kind: 'extra', packet: j, item: i }, off[i] + c, at(off[i] + c, j + 1) - 1);
      return;
    }
    if (j < n)
      visit(ign[j] ? { kind: 'skip', packet: j, reason: ign[j] } : { kind: 'extra', packet: j }, F, at(F, j + 1) - (ign[j] ? 0 : 1));
    else visit(null, F, 0);
  };

  // Backward pass: best[j][s] = the best score from state s before packet j. Same moves as
  // `moves` (which the forward walk uses), written out without closures for speed.
  const isGap = items.map((it) => it.kind === 'gap');
  for (let j = n; j >= 0; j--) {
    if (j < n) fillRow(j, true);
    const here = j * S;
    const nextRow = (j + 1) * S;
    const skip = j < n ? (ign[j] ? 0 : -1) : 0;
    best[here + F] = j < n ? best[nextRow + F] + skip : 0;
    for (let i = m - 1; i >= 0; i--) {
      const it = items[i];
      const next = i + 1 < m ? off[i + 1] : F;
      const adv = best[here + next] + (counted[i] ? W : 0);
      const drop = best[here + next];
      for (let c = cap[i]; c >= 0; c--) {
        const st = off[i] + c;
        let b = NONE;
        if (c >= it.min) b = adv;
        else b = drop;
        if (j < n) {
          if ((isGap[i] || row[i] === 1) && c < it.max) {
            const v = best[nextRow + off[i] + Math.min(c + 1, cap[i])];
            if (v > b) b = v;
          }
          const v = best[nextRow + st] + skip;
          if (v > b) b = v;
        }
        best[here + st] = b;
      }
    }
  }

  function stateOf(s: number): [number, number] {
    if (s === F) return [m, 0];
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (off[mid] <= s) lo = mid;
      else hi = mid - 1;
    }
    return [lo, s - off[lo]];
  }

  // Walk forward along the preferred optimal moves.
  const steps: AlignStep[] = [];
  let s = m > 0 ? 0 : F;
  let j = 0;
  let matchedItems = 0;
  let unexpected = 0;
  for (;;) {
    if (s === F && j === n) break;
    if (j < n) fillRow(j, false);
    const [i, c] = stateOf(s);
    const want = best[j * S + s];
    let took: { step: AlignStep; next: number } | undefined;
    moves(i, c, j, (step, next, score) => {
      if (score !== want || !step) return false;
      took = { step, next };
      return true;
    });
    if (!took) break;
    steps.push(took.step);
    if (took.step.kind === 'advance' && counted[took.step.item]) matchedItems++;
    if (took.step.kind === 'extra') unexpected++;
    if (took.step.kind === 'consume' || took.step.kind === 'skip' || took.step.kind === 'extra') j++;
    s = took.next;
  }
  const ok = best[0 * S + (m > 0 ? 0 : F)] === totalItems * W;
  return { ok, matchedItems, totalItems, unexpected, steps };
}
