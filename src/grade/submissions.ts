import { readdir } from 'node:fs/promises';
import { UsageError } from '../errors.js';

/** A `--shard I/N` value: the I-th (1-based) of N slices. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `I/N` (1 ≤ I ≤ N). */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard takes I/N with 1 ≤ I ≤ N, got "${s}"`);
  return { index, count };
}

/** The submission folders of DIR, sorted by name (byte order), hidden folders left out. */
export async function listSubmissions(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new UsageError(`cannot read the submissions folder ${dir}`);
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The deterministic slice of a sorted list: the items whose index ≡ I-1 (mod N). */
export function shardOf<T>(items: T[], shard?: Shard): T[] {
  if (!shard) return items;
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
