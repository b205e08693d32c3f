import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gradeClass } from '../../src/grade/class.js';
import { GradeProgress } from '../../src/grade/progress.js';
import { loadScenario } from '../../src/scenario/load.js';
import { wirelab } from '../helpers/cli.js';

const quiet = () => new GradeProgress(0, { write: () => true } as unknown as NodeJS.WriteStream, true);
const dir = mkdtempSync(join(tmpdir(), 'wirelab-free-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One step any submission passes (the grader's own command), one that needs the submission.
const SCENARIO = join(dir, 'answer.yaml');
writeFileSync(
  SCENARIO,
  `name: answer
timeout: 20s
steps:
  - exec: { run: [/bin/echo, ready] , expect: { stdout: ready } }
    name: the grader's own command
    points: 1
  - exec: { run: [/bin/cat, "{{submission}}/answer.txt"], expect: { stdout: "42" } }
    name: the answer is 42
    points: 2
`,
);
const SUBS = join(dir, 'subs');
mkdirSync(join(SUBS, 'alice'), { recursive: true });
writeFileSync(join(SUBS, 'alice', 'answer.txt'), '42\n');

describe('free points: an empty submission is graded before the class', () => {
  it('lists every point an empty submission earns in OUT/free-points.json, and keeps it on resume', async () => {
    const r = await loadScenario(SCENARIO);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const out = join(dir, 'out1');
    const res = await gradeClass({
      scenarioFile: SCENARIO,
      loaded: r.loaded,
      submissionsDir: SUBS,
      outDir: out,
      jobs: 2,
      progress: quiet(),
    });
    expect(res.rows.map((x) => [x.submission, x.grade.score])).toEqual([['alice', 3]]);
    const fp = JSON.parse(readFileSync(join(out, 'free-points.json'), 'utf8'));
    expect(fp).toMatchObject({
      scenario: 'answer',
      score: 1,
      maxScore: 3,
      status: 'graded',
      points: [{ name: "the grader's own command", score: 1, maxScore: 1 }],
    });
    expect(res.freePoints).toEqual(fp);
    // not a submission: not in grades.csv
    expect(readFileSync(join(out, 'grades.csv'), 'utf8')).not.toMatch(/empty/);
    const kept = statSync(join(out, '.free-points', 'results.json')).mtimeMs;
    const again = await gradeClass({
      scenarioFile: SCENARIO,
      loaded: r.loaded,
      submissionsDir: SUBS,
      outDir: out,
      jobs: 2,
      progress: quiet(),
    });
    expect(again.freePoints).toEqual(fp);
    expect(statSync(join(out, '.free-points', 'results.json')).mtimeMs).toBe(kept);
  }, 60_000);

  it('wirelab grade prints them as warnings after the class summary', async () => {
    const out = join(dir, 'out2');
    const r = await wirelab(['grade', SCENARIO, '--submissions', SUBS, '--out', out, '--no-sandbox', '--jobs', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout, r.stdout).toContain(
      `warning: an empty submission earns 1/3 points (${join(out, 'free-points.json')}):\nwarning:   1/1  the grader's own command`,
    );
    const merged = await wirelab(['grade', 'merge', out, '--out', join(dir, 'merged')]);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`warning: an empty submission earns 1/3 points (${join(dir, 'merged', 'free-points.json')}):`);
    const none = await wirelab(['grade', SCENARIO, '--submissions', SUBS, '--out', join(dir, 'out3'), '--no-sandbox', '--no-free-points']);
    expect(none.stdout).not.toMatch(/empty submission/);
  }, 60_000);
});
