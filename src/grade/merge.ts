import { existsSync } from 'node:fs';
import { readFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { GradeRow } from './csv.js';
import { readGrades, writeClassFiles } from './class.js';
import { FREE_POINTS_FILE, type FreePoints } from './free-points.js';
import { writeFileAtomic } from '../util/write-atomic.js';

/**
 * Joins the outputs of shards (each a `wirelab grade --shard I/N --out OUTi` folder) into one
 * grades.csv and junit.xml in `out`. A submission graded in two shards is an error.
 */
export async function mergeShards(dirs: string[], out: string): Promise<{ rows: GradeRow[]; scenario: string; freePoints?: FreePoints }> {
  const rows: GradeRow[] = [];
  const seen = new Map<string, string>();
  let scenario = '';
  for (const d of dirs) {
    if (!existsSync(d)) throw new UsageError(`no such grading output folder: ${d}`);
    for (const row of await readGrades(d)) {
      if (seen.has(row.submission)) throw new UsageError(`submission ${row.submission} is in both ${seen.get(row.submission)} and ${d}`);
      seen.set(row.submission, d);
      rows.push(row);
      if (!scenario) {
        const g = JSON.parse(await readFile(join(d, row.submission, 'grade.json'), 'utf8')) as { scenario?: string };
        scenario = g.scenario ?? '';
      }
    }
  }
  await mkdir(resolve(out), { recursive: true });
  await writeClassFiles(resolve(out), rows, scenario || 'wirelab');
  // every shard graded the same empty submission: keep the first shard's result
  const fpFile = dirs.map((d) => join(d, FREE_POINTS_FILE)).find((f) => existsSync(f));
  const freePoints = fpFile ? (JSON.parse(await readFile(fpFile, 'utf8')) as FreePoints) : undefined;
  if (freePoints) await writeFileAtomic(join(resolve(out), FREE_POINTS_FILE), `${JSON.stringify(freePoints, null, 2)}\n`);
  return { rows, scenario, ...(freePoints ? { freePoints } : {}) };
}
