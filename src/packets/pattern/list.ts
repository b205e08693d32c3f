/**
 * A whole `packets:` list: lines, `{ ignore: … }` options and `{ any: [...] }` alternatives, with
 * errors that carry the list index and the column; and the host-name check for the scenario checker.
 */
import { ParseFail, Scanner } from './scan.js';
import { parsePatternLine, quantifier } from './parse.js';
import { IGNORE_KINDS, type IgnoreKind, type PacketSpec, type Pattern, type PatternItem, type PatternListError } from './types.js';
import { toText } from '../../util/text.js';
import { didYouMean } from '../../util/did-you-mean.js';

/**
 * Pattern list entries: a line; `{ ignore: kind | kind[] }` (applies to the whole pattern); or
 * `{ any: [line, …], count?: "?" | "+" | "*" | "{n,m}" }`: one item that takes a packet matching
 * any of the lines (which carry no repeat of their own), e.g. a closed port's [RST] or [RST, ACK];
 * `{ packet: line, weight?: n }`: a line with its weight toward partial credit (`any` takes a
 * `weight` too).
 */
export type PatternEntry =
  string | { ignore: string | string[] } | { any: string[]; count?: string; weight?: number } | { packet: string; weight?: number };

/** The one-line string of an entry that is a line (plain or `{ packet: … }`), else undefined. */
export function entryLine(entry: PatternEntry): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && 'packet' in entry && typeof entry.packet === 'string') return entry.packet;
  return undefined;
}

function weightOf(entry: PatternEntry, index: number, errors: PatternListError[]): number | undefined {
  const w = entry && typeof entry === 'object' && 'weight' in entry ? entry.weight : undefined;
  if (w === undefined) return undefined;
  if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
    errors.push({ index, col: 1, message: `weight must be a number ≥ 0, got ${JSON.stringify(w)}`, expected: ['a number ≥ 0'] });
    return undefined;
  }
  return w;
}

function anyItem(entry: { any: unknown; count?: unknown }, index: number, errors: PatternListError[]): PatternItem | undefined {
  const lines = entry.any;
  if (!Array.isArray(lines) || lines.length === 0 || !lines.every((l) => typeof l === 'string')) {
    errors.push({ index, col: 1, message: '"any" needs a non-empty list of pattern lines', expected: ['list of strings'] });
    return undefined;
  }
  const specs: PacketSpec[] = [];
  for (const line of lines) {
    const r = parsePatternLine(line);
    if ('error' in r) errors.push({ index, ...r.error, message: `in "${line}": ${r.error.message}` });
    else if (r.kind !== 'packet' || r.min !== 1 || r.max !== 1)
      errors.push({ index, col: 1, message: `"any" lines are single packets, not "${line}"`, expected: ['count: …'] });
    else specs.push(r.spec!);
  }
  let q = { min: 1, max: 1 };
  if (entry.count !== undefined) {
    const s: Scanner = new Scanner(toText(entry.count).trim());
    try {
      const got = quantifier(s);
      if (!got || !s.done) s.fail(`bad count "${toText(entry.count)}"`, ['?', '+', '*', '{n}', '{n,m}']);
      q = got;
    } catch (e) {
      if (!(e instanceof ParseFail)) throw e;
      errors.push({ index, ...e.error });
    }
  }
  if (specs.length !== lines.length) return undefined;
  return {
    kind: 'packet',
    text: `any of: ${lines.join(' | ')}${entry.count !== undefined ? ` ${toText(entry.count)}` : ''}`,
    ...q,
    spec: specs[0],
    anyOf: specs,
  };
}

/** Parses a whole `packets:` list; errors carry the list index and the column. */
export function parsePattern(entries: readonly PatternEntry[]): { pattern: Pattern } | { errors: PatternListError[] } {
  const items: PatternItem[] = [];
  const ignore: IgnoreKind[] = [];
  const errors: PatternListError[] = [];
  entries.forEach((entry, index) => {
    const line = entryLine(entry);
    if (line !== undefined) {
      const r = parsePatternLine(line);
      const weight = weightOf(entry, index, errors);
      if ('error' in r) errors.push({ index, ...r.error });
      else items.push(weight === undefined ? r : { ...r, weight });
      return;
    }
    if (entry && typeof entry === 'object' && 'any' in entry) {
      const it = anyItem(entry, index, errors);
      const weight = weightOf(entry, index, errors);
      if (it) items.push(weight === undefined ? it : { ...it, weight });
      return;
    }
    const kinds = entry && typeof entry === 'object' && 'ignore' in entry ? [entry.ignore].flat() : undefined;
    if (!kinds) {
      errors.push({
        index,
        col: 1,
        message: 'expected a pattern line, { packet: …, weight: … }, { ignore: … } or { any: [...] }',
        expected: ['string', 'packet', 'ignore', 'any'],
      });
      return;
    }
    for (const k of kinds) {
      if (IGNORE_KINDS.includes(k as IgnoreKind)) {
        if (!ignore.includes(k as IgnoreKind)) ignore.push(k as IgnoreKind);
      } else errors.push({ index, col: 1, message: `unknown ignore kind "${k}"`, expected: [...IGNORE_KINDS] });
    }
  });
  return errors.length ? { errors } : { pattern: { items, ignore } };
}

/** Host names a pattern uses that the context does not define (with their list index and column). */
export function unknownHosts(entries: readonly PatternEntry[], hosts: readonly string[]): PatternListError[] {
  const out: PatternListError[] = [];
  entries.forEach((entry, index) => {
    const one = entryLine(entry);
    const lines =
      one !== undefined ? [one] : entry && typeof entry === 'object' && 'any' in entry && Array.isArray(entry.any) ? entry.any : [];
    for (const line of lines) {
      const r = typeof line === 'string' ? parsePatternLine(line) : undefined;
      if (!r || 'error' in r || !r.spec) continue;
      for (const e of [r.spec.src, r.spec.dst]) {
        if (e?.host && !hosts.includes(e.host))
          out.push({ index, col: e.col, message: `unknown host "${e.host}"${didYouMean(e.host, hosts)}`, expected: [...hosts] });
      }
    }
  });
  return out;
}
