/**
 * `wirelab grade` on a scenario with per-student variables: each submission folder's name is its
 * student id, its run gets that student's values (the ones `wirelab run --student` and `up`
 * derive), on the slot's runner and in a `wirelab run` child alike; a copied answer for another
 * student's variant loses its point; without the course secret grading stops with exit 3.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wirelab } from '../helpers/cli.js';
import { deriveVariant } from '../../src/grade/variant.js';
import type { RunRecord } from '../../src/generated/run-record.js';

const SECRET = 'wltvars-grade-secret-0123456789';
const SCENARIO = `name: variant-grade
timeout: 30s
vars:
  echo_port: { port: { from: 41000, to: 41999 }, default: 41000 }
  token: { token: { length: 8 }, default: aaaaaaaa }
steps:
  - serve: { as: echo, port: "{{echo_port}}", echo: { banner: "token {{token}}\\n" } }
  - connect: { to: echo, as: s }
  - expect: { conn: s, line: "token {{token}}" }
  - exec: { run: [cat, "{{submission}}/answer.txt"], expect: { stdout: "{{token}}\\n" } }
    name: the answer is this student's token
    points: 1
`;

let dir: string;
let file: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wltvars-grade-'));
  file = join(dir, 'lab.yaml');
  writeFileSync(file, SCENARIO);
  for (const s of ['s1', 's2']) {
    const v = await deriveVariant(file, s, SECRET);
    if ('error' in v) throw new Error(v.error);
    tokens[s] = v.derived.token ?? '';
  }
  expect(tokens.s1).not.toBe(tokens.s2);
  // s1 answers for their own variant; s2 hands in s1's answer
  for (const [s, answer] of [
    ['s1', tokens.s1],
    ['s2', tokens.s1],
  ]) {
    mkdirSync(join(dir, 'subs', s), { recursive: true });
    writeFileSync(join(dir, 'subs', s, 'answer.txt'), `${answer}\n`);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const grade = (out: string, env: Record<string, string>) =>
  wirelab(['grade', file, '--submissions', join(dir, 'subs'), '--out', join(dir, out), '--jobs', '1', '--no-sandbox', '--no-free-points'], {
    env,
    timeout: 120_000,
  });

describe('grading per-student variants', () => {
  for (const [mode, extra] of [
    ['on the slot runner', {}],
    ['in a `wirelab run` child', { WIRELAB_GRADE_RUNNER: 'child' }],
  ] as const) {
    it(`gives each submission its student's values ${mode}; another student's answer loses the point`, async () => {
      const out = `out-${Object.keys(extra).length}`;
      const r = await grade(out, { WIRELAB_COURSE_SECRET: SECRET, ...extra });
      expect(r.stderr.split('\n')).toEqual(['[1/2] s1: 1/1', '[2/2] s2: 0/1']);
      expect(r.exitCode).toBe(0);
      const runs = Object.fromEntries(
        ['s1', 's2'].map((s) => [s, JSON.parse(readFileSync(join(dir, out, s, 'run', 'run.json'), 'utf8')) as RunRecord]),
      );
      for (const s of ['s1', 's2']) {
        const rec = runs[s].scenario;
        expect(rec.student).toBe(s);
        expect(rec.vars?.token).toEqual({ value: tokens[s], from: 'student' });
        expect(JSON.stringify(runs[s])).not.toContain(SECRET);
        // what `wirelab run --student` derives for the same student
        const run = await wirelab(
          ['run', file, '--student', s, '--var', `submission=${join(dir, 'subs', s)}`, '--json', '--out', join(dir, `run-${s}`)],
          {
            env: { WIRELAB_COURSE_SECRET: SECRET },
          },
        );
        const own = (JSON.parse(run.stdout) as RunRecord).scenario.vars;
        expect({ ...own, submission: undefined }).toEqual({ ...rec.vars, submission: undefined });
      }
      expect(runs.s1.summary.points.earned).toBe(1);
      expect(runs.s2.summary.points.earned).toBe(0);
    }, 180_000);
  }

  it('stops before grading anything without the course secret (exit 3, with the fix)', async () => {
    const r = await grade('out-nosecret', {});
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/needs the course secret\n {2}fix: export WIRELAB_COURSE_SECRET=/);
  });
});
