import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { cpus } from 'node:os';
import { UsageError } from '../errors.js';
import { durationMs } from '../interpreter/duration.js';
import type { LoadedScenario } from '../scenario/load.js';
import { DEFAULT_LIMITS, type SandboxSpec } from '../sandbox/limits.js';
import { claimSlots } from '../sandbox/slots.js';
import { requireWorlds } from '../sandbox/world.js';
import { ensureSlotUsers, requireReadable, requireRoot, slotUser, userGid } from '../sandbox/users.js';
import type { GradeRow } from './csv.js';
import { gradesCsv } from './csv.js';
import type { Grade } from './grades.js';
import { junitXml } from './junit.js';
import { plannedChecks } from './plan.js';
import { runPool } from './pool.js';
import { GradeProgress } from './progress.js';
import { gradeSubmission, type JobResult, type JobTiming } from './run-one.js';
import { deriveVariant, studentOf, usesVariants, type SubmissionVariant } from './variant.js';
import { SlotRunner } from './runner.js';
import { writeFileAtomic } from '../util/write-atomic.js';
import {
  EMPTY_NAME,
  FREE_POINTS_DIR,
  FREE_POINTS_FILE,
  emptySubmission,
  freePointsOf,
  readFreePoints,
  type FreePoints,
} from './free-points.js';
import { screenSubmission } from './screen.js';
import { listSubmissions, readSubmissionsRoot, shardOf, type Shard } from './submissions.js';

export interface GradeClassOptions {
  scenarioFile: string;
  loaded: LoadedScenario;
  submissionsDir: string;
  outDir: string;
  jobs?: number;
  shard?: Shard;
  force?: boolean;
  /** Sandbox limits for the submissions' programs; absent: no sandbox. */
  sandbox?: Omit<SandboxSpec, 'user' | 'match'>;
  /** Extra seconds on top of the scenario's timeout before a run is killed (default 10). */
  marginMs?: number;
  progress?: GradeProgress;
  /** Told the uids of the sandbox users this run claimed (for monitoring). */
  onSandboxUsers?: (uids: number[]) => void;
  /** Grade an empty submission first and report the points it earns (default true). */
  freePoints?: boolean;
  /** The course secret, for a scenario with variables derived per student (never passed on). */
  secret?: string;
  /** Submission folder name → student id (`--students FILE`); default: the folder name is the id. */
  students?: Record<string, string>;
}

export interface GradeClassResult {
  rows: GradeRow[];
  /** Submissions skipped because they already had results.json. */
  skipped: string[];
  timings: (JobTiming & { submission: string })[];
  /** What an empty submission earns (OUT/free-points.json); absent with `freePoints: false`. */
  freePoints?: FreePoints;
  /** Things about the submissions folder the user should know (empty, entries that are not folders). */
  warnings: string[];
}

/** The per-submission wall-clock limit: the scenario's timeout (default 5 min) plus a margin. */
export function submissionTimeoutMs(loaded: LoadedScenario, marginMs = 10_000): number {
  return durationMs(loaded.scenario.timeout, 300_000) + marginMs;
}

/** Reads OUT/SUB/grade.json of every submission under OUT. */
export async function readGrades(outDir: string): Promise<GradeRow[]> {
  const rows: GradeRow[] = [];
  for (const sub of await listSubmissions(outDir)) {
    const f = join(outDir, sub, 'grade.json');
    if (!existsSync(f) || !existsSync(join(outDir, sub, 'results.json'))) continue;
    const g = JSON.parse(await readFile(f, 'utf8')) as { submission: string; grade: Grade };
    rows.push({ submission: g.submission, grade: g.grade });
  }
  return rows;
}

/** Writes OUT/grades.csv and OUT/junit.xml from grade rows. */
export async function writeClassFiles(outDir: string, rows: GradeRow[], scenario: string): Promise<void> {
  await writeFileAtomic(join(outDir, 'grades.csv'), gradesCsv(rows));
  await writeFileAtomic(join(outDir, 'junit.xml'), junitXml(rows, scenario));
}

/** A folder to grade: its name (row), its absolute path (`{{submission}}`), where its outputs go. */
export interface GradeItem {
  name: string;
  dir: string;
  outDir: string;
}

/**
 * Grades folders, `jobs` at a time, each pool slot with a sandbox user of its own that no other
 * grader on this machine uses; `onDone` is told each result. Checks first that the sandbox user
 * can read `check.dirs` (`check.root` is the folder the fix in the message names).
 */
export async function gradeFolders(
  opts: Pick<GradeClassOptions, 'scenarioFile' | 'loaded' | 'jobs' | 'sandbox' | 'marginMs' | 'onSandboxUsers' | 'secret' | 'students'> & {
    /** The items graded with the scenario's defaults, not a student's variant (the empty submission). */
    defaults?: Set<GradeItem>;
  },
  items: GradeItem[],
  check: { dirs: string[]; root: string },
  onDone: (item: GradeItem, r: JobResult) => void = () => {},
  onStart: (item: GradeItem) => void = () => {},
): Promise<JobResult[]> {
  const jobs = Math.max(1, opts.jobs ?? cpus().length);
  const nslots = Math.min(jobs, Math.max(1, items.length));
  const claim = opts.sandbox ? claimSlots(nslots) : { slots: [] as number[], release: () => {} };
  const slotIds = claim.slots;
  const uids = opts.sandbox ? ensureSlotUsers(Math.max(...slotIds) + 1) : [];
  if (opts.sandbox) {
    try {
      requireWorlds();
      // only the way in is a matter of the environment (a private home folder above the
      // submissions: exit 3); a file a submission's user cannot read makes it not gradable
      requireReadable(slotUser(slotIds[0] ?? 0), check.dirs, check.root, 0);
    } catch (e) {
      claim.release();
      throw e;
    }
  }
  opts.onSandboxUsers?.(slotIds.map((n) => uids[n]));
  const planned = plannedChecks(opts.loaded);
  const timeoutMs = submissionTimeoutMs(opts.loaded, opts.marginMs);
  const variants = usesVariants(opts.loaded);
  // One runner process per pool slot runs the slot's submissions one after another
  // (WIRELAB_GRADE_RUNNER=child: a `wirelab run` child per submission, as before).
  const runners = new Map<number, SlotRunner>();
  const runnerOf = (i: number) => {
    if (process.env.WIRELAB_GRADE_RUNNER === 'child') return undefined;
    let r = runners.get(i);
    if (!r) runners.set(i, (r = new SlotRunner()));
    return r;
  };
  return runPool(items, jobs, async (item, i) => {
    const slot = slotIds[i] ?? i;
    onStart(item);
    const user = slotUser(slot);
    let notGradable = await screenSubmission(
      item.dir,
      opts.sandbox ? { uid: uids[slot], gid: userGid(user) ?? uids[slot], name: user } : undefined,
    );
    // a scenario with per-student variables: this submission's student and their values
    let variant: SubmissionVariant | undefined;
    if (variants && !opts.defaults?.has(item) && notGradable === undefined) {
      const who = studentOf(item.name, opts.students);
      const v = 'error' in who ? who : await deriveVariant(resolve(opts.scenarioFile), who.student, opts.secret);
      if ('error' in v) notGradable = v.error;
      else variant = v;
    }
    const r = await gradeSubmission(
      {
        scenarioFile: resolve(opts.scenarioFile),
        scenarioName: opts.loaded.scenario.name,
        submission: item.name,
        submissionDir: item.dir,
        // what the submission's world hides: its classmates (the folder holding it) and every
        // grader output (the folder holding its own)
        submissionsRoot: dirname(item.dir),
        classOutDir: dirname(item.outDir),
        writable: opts.loaded.scenario.submission?.writable ?? false,
        ...(notGradable !== undefined ? { notGradable } : {}),
        ...(variant ? { student: variant.student, derived: variant.derived } : {}),
        outDir: item.outDir,
        timeoutMs,
        planned,
        ...(opts.sandbox ? { sandbox: { ...opts.sandbox, user: slotUser(slot), uid: uids[slot] } } : {}),
        // sandboxed (so root) and without a topology: the submission gets a loopback of its own
        isolate: opts.sandbox !== undefined && opts.loaded.scenario.topology === undefined,
      },
      runnerOf(i),
    );
    onDone(item, r);
    return r;
  }).finally(async () => {
    await Promise.all([...runners.values()].map((r) => r.close()));
    claim.release();
  });
}

/** Grades every submission folder (of this shard), then writes the class files. */
export async function gradeClass(opts: GradeClassOptions): Promise<GradeClassResult> {
  if (opts.sandbox) requireRoot();
  const outDir = resolve(opts.outDir);
  // bad input is found before anything is created
  const root = await readSubmissionsRoot(opts.submissionsDir);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the output folder ${outDir}: ${(e as Error).message}`);
  }
  const warnings: string[] = [];
  if (!root.names.length) warnings.push(`the submissions folder ${resolve(opts.submissionsDir)} holds no submission folders`);
  if (root.ignored.length) warnings.push(`ignored in ${resolve(opts.submissionsDir)}, not folders: ${root.ignored.join(', ')}`);
  const all = shardOf(root.names, opts.shard);
  const skipped = opts.force ? [] : all.filter((s) => existsSync(join(outDir, s, 'results.json')));
  const todo = all.filter((s) => !skipped.includes(s));
  // The empty submission first (in the same pool), unless its result for this scenario is kept.
  const known = opts.freePoints === false ? undefined : opts.force ? undefined : await readFreePoints(outDir, opts.loaded);
  const empty = opts.freePoints === false || known ? undefined : await emptySubmission();
  const emptyItem: GradeItem | undefined = empty ? { name: EMPTY_NAME, dir: empty.dir, outDir: join(outDir, FREE_POINTS_DIR) } : undefined;
  const items: GradeItem[] = [
    ...(emptyItem ? [emptyItem] : []),
    ...todo.map((sub) => ({ name: sub, dir: resolve(opts.submissionsDir, sub), outDir: join(outDir, sub) })),
  ];
  const progress = opts.progress ?? new GradeProgress(todo.length);
  let results: JobResult[] = [];
  try {
    results = await gradeFolders(
      { ...opts, ...(emptyItem ? { defaults: new Set([emptyItem]) } : {}) },
      items,
      // the way into the submissions, and the empty folder (under a private TMPDIR the sandbox
      // user could not enter it); what is unreadable inside a submission makes it not gradable
      { dirs: [resolve(opts.submissionsDir), ...(emptyItem ? [emptyItem.dir] : [])], root: resolve(opts.submissionsDir) },
      (item, r) => {
        if (item !== emptyItem)
          progress.finished(
            item.name,
            r.grade.error ?? `${r.grade.score}/${r.grade.maxScore}`,
            r.grade.status === 'error' || r.grade.score < r.grade.maxScore,
          );
      },
      (item) => item !== emptyItem && progress.started(),
    );
  } finally {
    await empty?.remove();
  }
  progress.end();
  let freePoints = known;
  if (empty) {
    freePoints = freePointsOf(results[0].grade, opts.loaded);
    await writeFileAtomic(join(outDir, FREE_POINTS_FILE), `${JSON.stringify(freePoints, null, 2)}\n`);
  }
  const graded = empty ? results.slice(1) : results;
  // The class files cover every graded submission of this shard, also those graded before.
  const rows = (await readGrades(outDir)).filter((r) => all.includes(r.submission));
  await writeClassFiles(outDir, rows, opts.loaded.scenario.name);
  return {
    rows,
    skipped,
    warnings,
    timings: graded.map((r) => ({ submission: r.submission, ...r.timing })),
    ...(freePoints ? { freePoints } : {}),
  };
}

export { DEFAULT_LIMITS };
