import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedScenario } from '../scenario/load.js';
import type { Grade } from './grades.js';

/** The row name of the empty submission, and where its outputs go (hidden: not a submission). */
export const EMPTY_NAME = '(empty submission)';
export const FREE_POINTS_DIR = '.free-points';
export const FREE_POINTS_FILE = 'free-points.json';

/** OUT/free-points.json: what a submission that is an empty folder earns. */
export interface FreePoints {
  scenario: string;
  /** SHA-256 of the scenario file: a kept result is reused only for the same scenario. */
  sha256: string;
  score: number;
  maxScore: number;
  status: Grade['status'];
  error?: string;
  /** Every graded step the empty submission earns points on. */
  points: { name: string; score: number; maxScore: number }[];
}

/** An empty folder every user can read (the sandbox user runs the scenario against it). */
export async function emptySubmission(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-empty-'));
  await chmod(dir, 0o755);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function freePointsOf(grade: Grade, loaded: LoadedScenario): FreePoints {
  return {
    scenario: loaded.scenario.name,
    sha256: loaded.source.sha256,
    score: grade.score,
    maxScore: grade.maxScore,
    status: grade.status,
    ...(grade.error ? { error: grade.error } : {}),
    points: grade.checks.filter((c) => c.score > 0).map((c) => ({ name: c.name, score: c.score, maxScore: c.maxScore })),
  };
}

/** OUT/free-points.json when it was written for this very scenario, else undefined. */
export async function readFreePoints(outDir: string, loaded: LoadedScenario): Promise<FreePoints | undefined> {
  const f = join(outDir, FREE_POINTS_FILE);
  if (!existsSync(f)) return undefined;
  try {
    const fp = JSON.parse(await readFile(f, 'utf8')) as FreePoints;
    return fp.sha256 === loaded.source.sha256 ? fp : undefined;
  } catch {
    return undefined;
  }
}

/** The warning lines of the class summary (empty when an empty submission earns nothing). */
export function freePointsText(fp: FreePoints, file?: string): string {
  const where = file ? ` (${file})` : '';
  if (fp.status === 'error') return `warning: the empty submission could not be graded: ${fp.error ?? 'unknown error'}${where}\n`;
  if (!fp.points.length) return `free points: none, an empty submission earns 0/${fp.maxScore}${where}\n`;
  const lines = [`warning: an empty submission earns ${fp.score}/${fp.maxScore} points${where}:`];
  for (const p of fp.points) lines.push(`warning:   ${p.score}/${p.maxScore}  ${p.name}`);
  return `${lines.join('\n')}\n`;
}
