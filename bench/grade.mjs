#!/usr/bin/env node
// Grading throughput: N generated submissions (copies of a correct and a faulty fixture
// submission) graded with a grading scenario, `--jobs J`, sandbox on when root.
//   npm run build && node bench/grade.mjs [N=100] [JOBS=2] [echo|lab1|lab1-good]
// echo (default): test/fixtures/echo-grading.yaml, correct and no-CRLF submissions, no topology;
// lab1: scenarios/lab1-grading.yaml (three namespaces), its good and faulty examples;
// lab1-good: lab1 with good submissions only (issue 14's goal: ≥ 150 a minute with --jobs 2).
// WIRELAB_HOSTS=process runs hosts as agent processes instead of threads; WIRELAB_GRADE_RUNNER=child
// runs each submission in a `wirelab run` child of its own instead of the slot's runner.
// Prints submissions per minute and where the time goes: the per-run child process
// (node start-up, module loading, scenario load, teardown) versus the scenario itself.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const { gradeClass } = await import(join(ROOT, 'dist/grade/class.js'));
const { loadScenario } = await import(join(ROOT, 'dist/scenario/load.js'));
const { DEFAULT_LIMITS } = await import(join(ROOT, 'dist/sandbox/limits.js'));
const { GradeProgress } = await import(join(ROOT, 'dist/grade/progress.js'));

const N = Number(process.argv[2] ?? 100);
const JOBS = Number(process.argv[3] ?? 2);
const SET = process.argv[4] ?? 'echo';
const SETS = {
  echo: { scenario: 'test/fixtures/echo-grading.yaml', from: 'test/fixtures/submissions', kinds: ['py-correct', 'node-no-crlf'] },
  lab1: { scenario: 'scenarios/lab1-grading.yaml', from: 'scenarios/lab1-grading/submissions', kinds: ['good', 'faulty'] },
  'lab1-good': { scenario: 'scenarios/lab1-grading.yaml', from: 'scenarios/lab1-grading/submissions', kinds: ['good', 'good'] },
};
if (!SETS[SET]) throw new Error(`unknown set ${SET}: ${Object.keys(SETS).join(', ')}`);
const SCENARIO = join(ROOT, SETS[SET].scenario);
const KINDS = SETS[SET].kinds;

const work = mkdtempSync(join(tmpdir(), 'wlt7-bench-'));
chmodSync(work, 0o755);
try {
  const subs = join(work, 'subs');
  for (let i = 0; i < N; i++)
    cpSync(join(ROOT, SETS[SET].from, KINDS[i % 2]), join(subs, `s${String(i).padStart(3, '0')}-${KINDS[i % 2]}`), { recursive: true });

  // The bare cost of one child: node + wirelab's CLI modules, no scenario.
  const t = performance.now();
  for (let i = 0; i < 5; i++) execFileSync(process.execPath, [join(ROOT, 'bin/wirelab.js'), '--version'], { stdio: 'ignore' });
  const cliStartMs = (performance.now() - t) / 5;

  const r = await loadScenario(SCENARIO);
  if (!r.ok) throw new Error('scenario does not load');
  const sandbox = process.getuid?.() === 0 ? DEFAULT_LIMITS : undefined;
  const cpu0 = (() => {
    const st = readFileSync('/proc/self/stat', 'utf8');
    return st
      .slice(st.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 15)
      .map(Number)
      .reduce((a, b) => a + b, 0);
  })();
  const t0 = performance.now();
  const res = await gradeClass({
    scenarioFile: SCENARIO,
    loaded: r.loaded,
    submissionsDir: subs,
    outDir: join(work, 'out'),
    jobs: JOBS,
    sandbox,
    progress: new GradeProgress(N, process.stderr, false),
  });
  const wallS = (performance.now() - t0) / 1000;
  // CPU of this grader and of every process it waited for (the runners or `wirelab run` children
  // and all they started), from /proc/self/stat: utime, stime, cutime, cstime in clock ticks
  const cpuTicks = () => {
    const st = readFileSync('/proc/self/stat', 'utf8');
    return st
      .slice(st.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 15)
      .map(Number)
      .reduce((a, b) => a + b, 0);
  };
  const cpuS = (cpuTicks() - cpu0) / 100;

  const sum = (f) => res.timings.reduce((a, x) => a + f(x), 0);
  const total = sum((x) => x.totalMs);
  const scen = sum((x) => x.scenarioMs ?? 0);
  const perKind = [...new Set(KINDS)].map((k) => {
    const ts = res.timings.filter((x) => x.submission.endsWith(k));
    return `${k}: ${(ts.reduce((a, x) => a + x.totalMs, 0) / ts.length / 1000).toFixed(2)} s/run (scenario ${(ts.reduce((a, x) => a + (x.scenarioMs ?? 0), 0) / ts.length / 1000).toFixed(2)} s)`;
  });
  const scores = res.rows.map((x) => x.grade.score);
  console.log(`graded ${res.rows.length} submissions with --jobs ${JOBS}${sandbox ? ' (sandboxed)' : ''} in ${wallS.toFixed(1)} s`);
  console.log(`throughput: ${((res.rows.length / wallS) * 60).toFixed(1)} submissions/minute`);
  console.log(
    `CPU (user+sys, the grader and all it waited for): ${(cpuS / N).toFixed(2)} s per submission; at that cost ${os.cpus().length} idle cores would grade ${((60 * os.cpus().length) / (cpuS / N)).toFixed(0)} a minute`,
  );
  console.log(
    `per run (mean): ${(total / N / 1000).toFixed(2)} s in all = scenario ${(scen / N / 1000).toFixed(2)} s + child process/overhead ${((total - scen) / N / 1000).toFixed(2)} s (${(((total - scen) / total) * 100).toFixed(0)}%)`,
  );
  console.log(`bare CLI start-up (node bin/wirelab.js --version): ${cliStartMs.toFixed(0)} ms`);
  console.log(perKind.join('\n'));
  const counts = new Map();
  for (const s of scores) counts.set(s, (counts.get(s) ?? 0) + 1);
  console.log(
    `scores: ${[...counts]
      .sort((a, b) => b[0] - a[0])
      .map(([s, n]) => `${n} × ${s}`)
      .join(', ')}`,
  );
  console.log(
    `hosts: ${process.env.WIRELAB_HOSTS === 'process' ? 'agent processes' : 'threads (default)'}; runs: ${process.env.WIRELAB_GRADE_RUNNER === 'child' ? 'a wirelab run child each' : 'one runner per slot'}; load average ${(
      await import('node:os')
    )
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
