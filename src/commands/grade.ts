import { cpus } from 'node:os';
import type { Command } from 'commander';
import { printDiagnostics, printWarnings } from './diagnostics-out.js';
import { withExit } from './exit.js';
import { UsageError } from '../errors.js';
import { DEFAULT_LIMITS } from '../sandbox/limits.js';
import { gradeClass } from '../grade/class.js';
import { mergeShards } from '../grade/merge.js';
import { parseShard } from '../grade/submissions.js';
import { summaryTable } from '../grade/table.js';
import { checkExamples, verifyExamples, verifyText } from '../grade/verify.js';
import { FREE_POINTS_FILE, freePointsText } from '../grade/free-points.js';
import { join } from 'node:path';
import { readScenario } from '../scenario/read.js';
import { readFileSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { usesVariants } from '../grade/variant.js';
import { SECRET_ENV } from '../scenario/variables.js';
import { addVariantOptions, courseSecret } from './variant-options.js';

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a positive whole number, got "${v}"`);
  return n;
}

interface GradeFlags {
  submissions?: string;
  out?: string;
  jobs?: string;
  shard?: string;
  force?: boolean;
  sandbox: boolean;
  freePoints: boolean;
  verify?: boolean;
  cpu?: string;
  memory?: string;
  procs?: string;
  fsize?: string;
  nofile?: string;
  secretFile?: string;
  students?: string;
}

/** `--students FILE`: a JSON object of submission folder name → student id. */
function readStudents(file: string | undefined): Record<string, string> | undefined {
  if (file === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `--students ${file}: ${e instanceof SyntaxError ? `not JSON (${e.message})` : ((e as NodeJS.ErrnoException).code ?? String(e))}`,
    );
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string'))
    throw new UsageError(`--students ${file} must hold a JSON object of folder name → student id, e.g. {"sub-0042": "s1234567"}`);
  return v as Record<string, string>;
}

export function register(program: Command): void {
  const grade = program
    .command('grade')
    .description(
      'grade every submission folder with a scenario: results.json + feedback per submission, grades.csv and junit.xml for the class',
    )
    .argument('<scenario>', 'scenario file (its commands use {{submission}} for the submission folder)')
    .option('-s, --submissions <dir>', 'folder with one sub-folder per submission')
    .option('-o, --out <dir>', 'output folder (OUT/SUB/results.json, OUT/grades.csv, OUT/junit.xml)')
    .option('-j, --jobs <n>', 'submissions graded at once (default: number of CPUs)')
    .option('--shard <i/n>', 'grade only the I-th of N deterministic slices (1-based; index mod N)')
    .option('--verify', "grade the scenario's grading.examples and an empty submission; exit 1 when a score differs from the expected one")
    .option('--force', 'regrade submissions that already have results.json')
    .option('--no-free-points', 'do not grade an empty submission first to list the points it earns')
    .option('--no-sandbox', 'run student programs as the grading user, without limits (not recommended)')
    .option('--cpu <seconds>', `sandbox CPU-time limit (default ${DEFAULT_LIMITS.cpu})`)
    .option('--memory <MiB>', `sandbox address-space limit (default ${DEFAULT_LIMITS.memory / 2 ** 20})`)
    .option('--procs <n>', `sandbox processes+threads per submission (default ${DEFAULT_LIMITS.procs})`)
    .option('--fsize <MiB>', `sandbox largest file written (default ${DEFAULT_LIMITS.fsize / 2 ** 20})`)
    .option('--nofile <n>', `sandbox open files (default ${DEFAULT_LIMITS.nofile})`)
    .option(
      '--students <file>',
      "a JSON object of submission folder name → student id, for a scenario's per-student variables (default: the folder name is the student id)",
    );
  addVariantOptions(grade, false).action(
    withExit(async (scenario: string, o: GradeFlags) => {
      const jobs = positiveInt('--jobs', o.jobs, cpus().length);
      const shard = o.shard ? parseShard(o.shard) : undefined;
      const sandbox = o.sandbox
        ? {
            cpu: positiveInt('--cpu', o.cpu, DEFAULT_LIMITS.cpu),
            memory: positiveInt('--memory', o.memory, DEFAULT_LIMITS.memory / 2 ** 20) * 2 ** 20,
            procs: positiveInt('--procs', o.procs, DEFAULT_LIMITS.procs),
            fsize: positiveInt('--fsize', o.fsize, DEFAULT_LIMITS.fsize / 2 ** 20) * 2 ** 20,
            nofile: positiveInt('--nofile', o.nofile, DEFAULT_LIMITS.nofile),
          }
        : undefined;
      const secret = courseSecret(o.secretFile);
      const students = readStudents(o.students);
      const r = await readScenario(scenario);
      if (!r.ok) {
        printDiagnostics(r.diagnostics);
        return 2;
      }
      printWarnings(r.loaded.warnings);
      // each submission is graded on its student's variant: derived here, before anything runs
      if (usesVariants(r.loaded) && secret === undefined && !o.verify)
        throw new EnvironmentError(
          `${scenario} derives variables per student (its vars: have generators), which needs the course secret`,
          `export ${SECRET_ENV}=<the course's secret, the one \`wirelab up --student\` used>, or give --secret-file FILE`,
          'no-course-secret',
        );
      if (o.verify) {
        if (!r.loaded.scenario.grading?.examples?.length) {
          throw new UsageError(
            `${scenario} names no example submissions to verify; add grading: { examples: [{ path: FOLDER, score: N }, { empty: true, score: 0 }] }`,
          );
        }
        const bad = checkExamples(r.loaded);
        if (bad.length) {
          printDiagnostics(bad);
          return 2;
        }
        const results = await verifyExamples({ scenarioFile: scenario, loaded: r.loaded, outDir: o.out, jobs, sandbox });
        process.stdout.write(verifyText(r.loaded.scenario.name, results));
        return results.every((x) => x.ok) ? 0 : 1;
      }
      if (!o.submissions) throw new UsageError("--submissions DIR is required (or --verify to grade the scenario's own examples)");
      if (!o.out) throw new UsageError('--out DIR is required');
      const res = await gradeClass({
        scenarioFile: scenario,
        loaded: r.loaded,
        submissionsDir: o.submissions,
        outDir: o.out,
        jobs,
        shard,
        force: o.force,
        sandbox,
        freePoints: o.freePoints,
        ...(secret !== undefined ? { secret } : {}),
        ...(students ? { students } : {}),
      });
      for (const w of res.warnings) process.stderr.write(`warning: ${w}\n`);
      if (res.skipped.length) process.stderr.write(`skipped ${res.skipped.length} already graded (use --force to regrade)\n`);
      process.stdout.write(summaryTable(res.rows));
      if (res.freePoints) process.stdout.write(freePointsText(res.freePoints, join(o.out, FREE_POINTS_FILE)));
      return 0;
    }),
  );
  grade
    .command('merge')
    .description('join the output folders of sharded grading runs into one grades.csv and junit.xml')
    .argument('<dirs...>', 'output folders of the shards')
    .option('-o, --out <dir>', 'folder for the merged grades.csv and junit.xml')
    .action(
      withExit(async (dirs: string[], own: { out?: string }) => {
        // `grade` has an --out of its own, which takes the flag wherever it is on the line
        const o = { out: own.out ?? grade.opts<GradeFlags>().out };
        if (!o.out) throw new UsageError('--out DIR is required');
        const { rows, freePoints } = await mergeShards(dirs, o.out);
        process.stdout.write(summaryTable(rows));
        if (freePoints) process.stdout.write(freePointsText(freePoints, join(o.out, FREE_POINTS_FILE)));
        return 0;
      }),
    );
}
