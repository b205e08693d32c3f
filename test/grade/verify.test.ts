import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkExamples, compareExample, verifyText } from '../../src/grade/verify.js';
import type { Grade } from '../../src/grade/grades.js';
import { loadScenario } from '../../src/scenario/load.js';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { diagnostics } from '../helpers/scenario.js';
import { wirelab } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelab-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const grade = (scores: number[]): Grade => ({
  score: scores.reduce((a, b) => a + b, 0),
  maxScore: 3,
  status: 'graded',
  checks: scores.map((score, i) => ({
    name: ['one', 'two'][i],
    score,
    maxScore: [1, 2][i],
    status: score ? 'passed' : 'failed',
    visibility: 'visible',
    output: '',
  })),
});

describe('grading.examples', () => {
  it('compares the total and each listed step, and names the step that moved', () => {
    expect(compareExample({ path: 'x', score: 3 }, grade([1, 2])).ok).toBe(true);
    const moved = compareExample({ path: 'x', score: 3, checks: { two: 2 } }, grade([1, 0]));
    expect(moved.ok).toBe(false);
    expect(moved.steps).toEqual([
      { name: 'one', actual: 1, maxScore: 1 },
      { name: 'two', expected: 2, actual: 0, maxScore: 2 },
    ]);
    // the total may hold while a step moved: still a failure
    expect(compareExample({ path: 'x', score: 1, checks: { one: 0, two: 1 } }, grade([1, 0])).ok).toBe(false);
    const crashed = compareExample({ path: 'x', score: 0 }, { ...grade([0, 0]), status: 'error', error: 'timed out after 30 s' });
    expect(crashed.ok).toBe(false);
    expect(verifyText('t', [crashed])).toMatch(/^ {2}FAIL {2}x +0\/3 {2}expected 0 {2}\(timed out after 30 s\)$/m);
    const text = verifyText('t', [moved, compareExample({ empty: true, score: 0 }, grade([0, 0]))]);
    expect(text).toMatch(/^ {2}FAIL {2}x +1\/3 {2}expected 3$/m);
    expect(text).toMatch(/^ +two +2 +0 {2}<- moved$/m);
    expect(text).toMatch(/^ {2}ok {4}\(empty submission\) +0\/3$/m);
  });

  it('the schema takes a path or empty: true, with a score', () => {
    const head = 'name: t\nsteps:\n  - exec: { run: "true" }\n    name: one\n    points: 1\ngrading:\n  examples:\n';
    expect(diagnostics(`${head}    - { path: a, score: 1 }\n    - { empty: true, score: 0 }\n`)).toEqual([]);
    expect(diagnostics(`${head}    - { path: a }\n`)).toEqual([
      expect.objectContaining({ line: 8, col: 7, code: 'missing-key', message: expect.stringContaining('needs the key "score"') }),
    ]);
    expect(diagnostics(`${head}    - { score: 1 }\n`)).toEqual([
      expect.objectContaining({
        line: 8,
        col: 7,
        code: 'missing-key',
        message: expect.stringContaining('needs one of the keys "path", "empty"'),
      }),
    ]);
  });

  it('a missing folder or an unknown step name is bad input at its line (exit 2)', async () => {
    mkdirSync(join(dir, 'good'));
    const file = join(dir, 'v.yaml');
    writeFileSync(
      file,
      `name: t
steps:
  - exec: { run: "true" }
    name: one
    points: 1
grading:
  examples:
    - { path: good, score: 1, checks: { one: 1 } }
    - path: nowhere
      score: 0
      checks: { onee: 0 }
`,
    );
    const r = await loadScenario(file);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(checkExamples(r.loaded).map(formatDiagnostic)).toEqual([
      `${file}:9:13: bad-value no folder ${join(dir, 'nowhere')}; give the example's folder relative to the scenario file`,
      `${file}:11:17: unknown-key "onee" is not a graded step (did you mean "one"?); expected one of: one`,
    ]);
    const v = await wirelab(['validate', file]);
    expect(v.exitCode).toBe(2);
    expect(v.stderr).toContain(`${file}:11:17: unknown-key "onee" is not a graded step`);
    const cli = await wirelab(['grade', '--verify', file, '--no-sandbox']);
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toContain(`${file}:9:13: bad-value no folder`);
    const none = await wirelab(['grade', '--verify', join(process.cwd(), 'test/fixtures/echo-grading.yaml'), '--no-sandbox']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/names no example submissions to verify; add grading:/);
  });
});
