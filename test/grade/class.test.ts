import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRoot } from '../helpers/root.js';
import { gradeClass } from '../../src/grade/class.js';
import { mergeShards } from '../../src/grade/merge.js';
import { gradeSubmission } from '../../src/grade/run-one.js';
import { plannedChecks } from '../../src/grade/plan.js';
import { GradeProgress } from '../../src/grade/progress.js';
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';
import { DEFAULT_LIMITS } from '../../src/sandbox/limits.js';
import { EnvironmentError } from '../../src/errors.js';
import { readableByAll } from '../helpers/readable.js';
import { processesOf } from '../../src/sandbox/reap.js';
import { ensureSlotUsers, slotUser } from '../../src/sandbox/users.js';
import { claimSlots } from '../../src/sandbox/slots.js';
import { findAll, parseXml } from './xml.js';
import { validateResults } from './schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCENARIO = join(ROOT, 'test/fixtures/echo-grading.yaml');
// the fixture class, or a copy every user can read when the checkout is private
const fixtures = readableByAll(join(ROOT, 'test/fixtures/submissions'));
const SUBS = fixtures.path;
const quiet = () => new GradeProgress(0, { write: () => true } as unknown as NodeJS.WriteStream, true);

/** Expected points per fixture submission: connect 1, banner 1, CRLF echo 2, hidden second echo 2. */
const EXPECTED: Record<string, [number, number[]]> = {
  'node-correct': [6, [1, 1, 2, 2]],
  'node-flood': [6, [1, 1, 2, 2]],
  'node-no-crlf': [2, [1, 1, 0, 0]],
  'py-correct': [6, [1, 1, 2, 2]],
  'py-crash': [0, [0, 0, 0, 0]],
  'py-early-close': [4, [1, 1, 2, 0]],
  'py-forkbomb': [1, [1, 0, 0, 0]],
  'py-hang': [1, [1, 0, 0, 0]],
  'py-memhog': [2, [1, 1, 0, 0]],
  'py-no-banner': [5, [1, 0, 2, 2]],
};

/** Processes (not ours) whose command line mentions a fixture submission. */
function leftovers(dir: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes(dir) && !l.includes('ps -eo'));
}

let loaded: LoadedScenario;
let out: string;
let uids: number[] = [];
let maxPerSlot = 0;
const tmp: string[] = fixtures.cleanup ? [fixtures.cleanup] : [];
const mk = () => {
  const d = mkdtempSync(join(tmpdir(), 'wlt7-grade-'));
  chmodSync(d, 0o755);
  tmp.push(d);
  return d;
};

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist/cli/main.js')), 'build first: npx tsc -p tsconfig.build.json').toBe(true);
  const r = await loadScenario(SCENARIO);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  loaded = r.loaded;
  out = mk();
  // Samples the slot users' process counts while the class is graded.
  const sampler = setInterval(() => {
    for (const u of uids) maxPerSlot = Math.max(maxPerSlot, processesOf(u).length);
  }, 100);
  try {
    await gradeClass({
      scenarioFile: SCENARIO,
      loaded,
      submissionsDir: SUBS,
      outDir: out,
      jobs: 2,
      sandbox: DEFAULT_LIMITS,
      progress: quiet(),
      onSandboxUsers: (u) => (uids = u),
    });
  } finally {
    clearInterval(sampler);
  }
}, 180_000);

afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describeRoot('grading the fixture class (sandboxed, 2 jobs)', () => {
  it('gives the expected score per submission', () => {
    for (const [sub, [score, parts]] of Object.entries(EXPECTED)) {
      const g = JSON.parse(readFileSync(join(out, sub, 'grade.json'), 'utf8')).grade;
      expect([sub, g.score, g.maxScore, g.checks.map((c: { score: number }) => c.score)]).toEqual([sub, score, 6, parts]);
    }
  });

  it('grades an empty submission first: it earns nothing here, and is no row of the class', () => {
    const fp = JSON.parse(readFileSync(join(out, 'free-points.json'), 'utf8'));
    expect(fp).toMatchObject({ scenario: 'echo-grading', score: 0, maxScore: 6, status: 'graded', points: [] });
    expect(readFileSync(join(out, '.free-points', 'results.json'), 'utf8')).toMatch(/"score": 0/);
  });

  it('writes a valid results.json, the run record and feedback for every submission', () => {
    for (const sub of Object.keys(EXPECTED)) {
      const r = JSON.parse(readFileSync(join(out, sub, 'results.json'), 'utf8'));
      expect(validateResults(r), `${sub}: ${JSON.stringify(validateResults.errors)}`).toBe(true);
      expect(r.score).toBe(EXPECTED[sub][0]);
      expect(r.tests.find((t: { name: string }) => t.name === 'echoes a second line').visibility).toBe('after_published');
      expect(existsSync(join(out, sub, 'run', 'run.json'))).toBe(true);
      expect(readFileSync(join(out, sub, 'feedback.md'), 'utf8')).toMatch(/Score/);
    }
    const crash = JSON.parse(readFileSync(join(out, 'py-crash', 'results.json'), 'utf8'));
    expect(crash.output).toMatch(/Error in start the submitted server: the program exited before accepting connections \(exit 1\)/);
    expect(crash.output).toMatch(/RuntimeError: student server crashed at start/);
    const fb = readFileSync(join(out, 'py-crash', 'feedback.md'), 'utf8');
    expect(fb).toMatch(
      /## 1\. start the submitted server — \*\*ERROR\*\*\n\n\*\*Error:\*\* the program exited before accepting connections \(exit 1\); its output:.*\n\n```\n[^`]*RuntimeError: student server crashed at start\n```/,
    );
    expect(fb).toMatch(/RuntimeError: student server crashed at start/);
    expect(crash.tests[0].output).toMatch(/Earlier error in start the submitted server: .*\n[^]*student server crashed at start/);
  });

  it('contains the fork bomb to the process limit and leaves nothing running', () => {
    expect(uids).toHaveLength(2);
    expect(maxPerSlot).toBeGreaterThanOrEqual(16); // the bomb did fork…
    expect(maxPerSlot).toBeLessThanOrEqual(DEFAULT_LIMITS.procs); // …but not past RLIMIT_NPROC
    for (const u of uids) expect(processesOf(u, true)).toEqual([]); // not even zombies
    expect(leftovers(SUBS)).toEqual([]);
  });

  it('writes grades.csv with one row per submission', () => {
    const lines = readFileSync(join(out, 'grades.csv'), 'utf8').split('\r\n');
    expect(lines[0]).toBe('submission,score,max,status,accepts a connection,sends the banner,echoes a line with CRLF,echoes a second line');
    expect(lines.slice(1, -1)).toEqual(Object.entries(EXPECTED).map(([s, [score, parts]]) => `${s},${score},6,graded,${parts.join(',')}`));
  });

  it('writes JUnit XML with a suite per submission and a case per check', () => {
    const doc = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
    const suites = findAll(doc, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(Object.keys(EXPECTED));
    expect(findAll(doc, 'testcase')).toHaveLength(40);
    const notFull = Object.values(EXPECTED).reduce((a, [, p]) => a + p.filter((x, i) => x < [1, 1, 2, 2][i]).length, 0);
    expect(Number(doc.attrs.failures) + Number(doc.attrs.errors)).toBe(notFull);
    expect(
      findAll(
        suites.find((s) => s.attrs.name === 'py-crash')!,
        'error',
      ),
    ).toHaveLength(4);
  });

  it('resumes: a second run skips graded submissions; --force regrades', async () => {
    const again = await gradeClass({
      scenarioFile: SCENARIO,
      loaded,
      submissionsDir: SUBS,
      outDir: out,
      jobs: 2,
      sandbox: DEFAULT_LIMITS,
      progress: quiet(),
    });
    expect(again.skipped).toHaveLength(10);
    expect(again.timings).toEqual([]);
    expect(again.rows).toHaveLength(10);
    // --force on a small class of two
    const subs = mk();
    for (const s of ['py-correct', 'node-no-crlf']) cpSync(join(SUBS, s), join(subs, s), { recursive: true });
    const o = mk();
    await gradeClass({
      scenarioFile: SCENARIO,
      loaded,
      submissionsDir: subs,
      outDir: o,
      jobs: 2,
      sandbox: DEFAULT_LIMITS,
      progress: quiet(),
    });
    const before = statSync(join(o, 'py-correct', 'results.json')).mtimeMs;
    const skip = await gradeClass({
      scenarioFile: SCENARIO,
      loaded,
      submissionsDir: subs,
      outDir: o,
      jobs: 2,
      sandbox: DEFAULT_LIMITS,
      progress: quiet(),
    });
    expect(skip.skipped.sort()).toEqual(['node-no-crlf', 'py-correct']);
    const forced = await gradeClass({
      scenarioFile: SCENARIO,
      loaded,
      submissionsDir: subs,
      outDir: o,
      jobs: 2,
      force: true,
      sandbox: DEFAULT_LIMITS,
      progress: quiet(),
    });
    expect(forced.skipped).toEqual([]);
    expect(forced.timings.map((t) => t.submission).sort()).toEqual(['node-no-crlf', 'py-correct']);
    expect(statSync(join(o, 'py-correct', 'results.json')).mtimeMs).toBeGreaterThan(before);
    expect(forced.rows.map((r) => r.grade.score).sort()).toEqual([2, 6]);
  }, 120_000);

  it('shards partition the class and merging them gives the same grades.csv and junit.xml', async () => {
    const shards = [mk(), mk(), mk()];
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await gradeClass({
        scenarioFile: SCENARIO,
        loaded,
        submissionsDir: SUBS,
        outDir: shards[i],
        jobs: 2,
        shard: { index: i + 1, count: 3 },
        sandbox: DEFAULT_LIMITS,
        progress: quiet(),
      });
      seen.push(...r.rows.map((x) => x.submission));
    }
    expect(seen.sort()).toEqual(Object.keys(EXPECTED));
    const merged = mk();
    await mergeShards(shards, merged);
    expect(readFileSync(join(merged, 'grades.csv'), 'utf8')).toBe(readFileSync(join(out, 'grades.csv'), 'utf8'));
    expect(readFileSync(join(merged, 'junit.xml'), 'utf8')).toBe(readFileSync(join(out, 'junit.xml'), 'utf8'));
    await expect(mergeShards([shards[0], shards[0]], mk())).rejects.toThrow(/in both/);
  }, 180_000);
});

describeRoot('one submission that cannot finish', () => {
  it('a run past its wall-clock limit is killed and still gets results.json with the reason', async () => {
    const o = mk();
    const claim = claimSlots(1);
    const uid = ensureSlotUsers(claim.slots[0] + 1)[claim.slots[0]];
    const r = await gradeSubmission({
      scenarioFile: SCENARIO,
      scenarioName: 'echo-grading',
      submission: 'py-hang',
      submissionDir: join(SUBS, 'py-hang'),
      outDir: o,
      timeoutMs: 1500,
      planned: plannedChecks(loaded),
      sandbox: { ...DEFAULT_LIMITS, user: slotUser(claim.slots[0]), uid },
    }).finally(() => claim.release());
    expect(r.grade).toMatchObject({ status: 'error', error: 'timed out after 1.5 s' });
    const res = JSON.parse(readFileSync(join(o, 'results.json'), 'utf8'));
    expect(validateResults(res)).toBe(true);
    expect(res.output).toMatch(/timed out after 1\.5 s/);
    expect(readFileSync(join(o, 'feedback.md'), 'utf8')).toMatch(/timed out after 1\.5 s/);
    expect(processesOf(uid)).toEqual([]);
    expect(leftovers(join(SUBS, 'py-hang'))).toEqual([]);
  }, 30_000);

  it('a run that crashes without a record gets a 0 of the planned points with the reason', async () => {
    const o = mk();
    const r = await gradeSubmission({
      scenarioFile: join(o, 'no-such-scenario.yaml'),
      scenarioName: 'echo-grading',
      submission: 'x',
      submissionDir: join(SUBS, 'py-correct'),
      outDir: o,
      timeoutMs: 20_000,
      planned: plannedChecks(loaded),
    });
    expect(r.grade).toMatchObject({ score: 0, maxScore: 6, status: 'error' });
    expect(r.grade.error).toMatch(/without a run record \(exit 2\)/);
    expect(r.grade.checks).toHaveLength(4);
    expect(validateResults(JSON.parse(readFileSync(join(o, 'results.json'), 'utf8')))).toBe(true);
  }, 30_000);
});

describeRoot('submissions the sandbox user cannot read', () => {
  it('are refused before anything runs (exit 3 with the fix), not graded 0', async () => {
    const o = mk();
    const hidden = join(o, 'private');
    cpSync(join(SUBS, 'py-correct'), join(hidden, 'py-correct'), { recursive: true });
    chmodSync(hidden, 0o700); // like a TA's home: the slot user cannot enter it
    const err = await gradeClass({
      scenarioFile: SCENARIO,
      loaded,
      submissionsDir: hidden,
      outDir: join(o, 'out'),
      jobs: 1,
      sandbox: DEFAULT_LIMITS,
      progress: quiet(),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toMatch(/sandbox user wirelab-student(-\d+)? cannot read \S*private\b/);
    expect((err as EnvironmentError).fix).toContain(`chmod -R o+rX ${hidden}`);
    expect(existsSync(join(o, 'out', 'py-correct'))).toBe(false);
  });
});

describeRoot('loopback grading in a namespace of its own', () => {
  // the scenario reports the network its run sees: interfaces and routes
  const probe = (o: string) => {
    const file = join(o, 'net.yaml');
    writeFileSync(
      file,
      [
        'name: net-view',
        'steps:',
        '  - exec: { run: [sh, -c, "ip -o link | wc -l"], expect: { stdout: { equals: "1" } } }',
        '    name: only a loopback interface',
        '    points: 1',
        '  - exec: { run: [sh, -c, "ip -o link show lo | grep -c LOOPBACK,UP"], expect: { stdout: { equals: "1" } } }',
        '    name: loopback is up',
        '    points: 1',
        '  - exec: { run: [sh, -c, "ip route; ip -6 route | grep -v ^::1 || true"], expect: { stdout: { empty: true } } }',
        '    name: no route anywhere',
        '    points: 1',
        '',
      ].join('\n'),
    );
    return file;
  };
  const grade = async (isolate: boolean) => {
    const o = mk();
    const file = probe(o);
    const r = await loadScenario(file);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    return gradeSubmission({
      scenarioFile: file,
      scenarioName: 'net-view',
      submission: 'x',
      submissionDir: join(SUBS, 'py-correct'),
      outDir: join(o, 'x'),
      timeoutMs: 20_000,
      planned: plannedChecks(r.loaded),
      isolate,
    });
  };

  it('sees only an up loopback and no route; the namespace is gone afterwards', async () => {
    const before = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    const r = await grade(true);
    expect(r.grade.score).toBe(3);
    // nothing new is left (other test files may be building their own namespaces meanwhile)
    const grade_ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /^wl-[0-9a-f]{6}-grade\b/.test(l) && !before.includes(l));
    expect(grade_ns).toEqual([]);
  });

  it('without isolation the same scenario sees the machine (the check can fail)', async () => {
    const r = await grade(false);
    expect(r.grade.checks.find((c) => c.name === 'only a loopback interface')?.score).toBe(0);
  });
});

describeRoot('the grade command', () => {
  it('exits 2 on bad input', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'test/grade/cli.mjs'), 'grade', SCENARIO, '--out', '/tmp/wlt7-never'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toMatch(/--submissions DIR is required/);
    expect(r.status).toBe(2);
    const s = spawnSync(
      process.execPath,
      [join(ROOT, 'test/grade/cli.mjs'), 'grade', SCENARIO, '--submissions', SUBS, '--out', '/tmp/wlt7-never', '--shard', '3/2'],
      { encoding: 'utf8' },
    );
    expect(s.status).toBe(2);
    expect(existsSync('/tmp/wlt7-never')).toBe(false);
  });
});
