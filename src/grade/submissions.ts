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

/** What a submissions folder holds: the submissions (folders, and links, which are reported not gradable) and the rest. */
export interface SubmissionsRoot {
  /** Folder names and symbolic links, sorted by name (byte order), hidden entries left out. */
  names: string[];
  /** Entries that are neither (files, FIFOs, …): not submissions, listed in a warning. */
  ignored: string[];
}

/**
 * Reads a submissions folder. A folder that is missing or not a folder is bad input (exit 2);
 * a link is kept as a submission (the screen makes it "not gradable" with the reason, so it gets
 * a row instead of vanishing).
 */
export async function readSubmissionsRoot(dir: string): Promise<SubmissionsRoot> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code ?? (e as Error).message})`;
    throw new UsageError(`the submissions folder ${dir} ${why}; give --submissions a folder with one sub-folder per submission`);
  }
  const visible = entries.filter((e) => !e.name.startsWith('.'));
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    names: visible
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => e.name)
      .sort(byName),
    ignored: visible
      .filter((e) => !e.isDirectory() && !e.isSymbolicLink())
      .map((e) => e.name)
      .sort(byName),
  };
}

/** The deterministic slice of a sorted list: the items whose index ≡ I-1 (mod N). */
export function shardOf<T>(items: T[], shard?: Shard): T[] {
  if (!shard) return items;
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
