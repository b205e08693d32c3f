import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wirelab } from '../helpers/cli.js';
import { readableByAll } from '../helpers/readable.js';

const root = process.getuid?.() === 0;

describe.runIf(root)('scenarios/lab1-grading.yaml graded with wirelab grade', () => {
  it('gives the correct submission full marks and the faulty one exactly what it earned', async () => {
    const out = await mkdtemp(join(tmpdir(), 'wirelab-lab1-grade-'));
    const subs = readableByAll(join(process.cwd(), 'scenarios/lab1-grading/submissions'));
    try {
      const r = await wirelab(['grade', 'scenarios/lab1-grading.yaml', '--submissions', subs.path, '--out', out, '--jobs', '2'], {
        timeout: 120_000,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const csv = (await readFile(join(out, 'grades.csv'), 'utf8')).trim().split(/\r?\n/); // RFC 4180: CRLF
      expect(csv.slice(1)).toEqual([
        // serve, FIN teardown, connect, banner, CRLF echo, hidden second echo, student's capture
        // the capture's 2.5 of 4 is the fraction of its lines matched (partial: true); the file
        // being readable is a precondition, not half of the points as it used to be
        'faulty,4.5,10,graded,1,1,0,0,0,2.5',
        'good,10,10,graded,1,1,1,2,1,4',
      ]);
      const gs = JSON.parse(await readFile(join(out, 'faulty', 'results.json'), 'utf8'));
      expect(gs.score).toBe(4.5);
      expect(gs.tests.find((t: { name: string }) => t.name === 'it echoes a second line').visibility).not.toBe('visible');
      const feedback = await readFile(join(out, 'faulty', 'feedback.md'), 'utf8');
      expect(feedback).toContain('it sends a welcome banner ending in a newline');
      // the empty submission, graded first, earns nothing here
      expect(r.stdout).toContain('free points: none, an empty submission earns 0/10 (');
      expect(JSON.parse(await readFile(join(out, 'free-points.json'), 'utf8'))).toMatchObject({ score: 0, maxScore: 10, points: [] });
    } finally {
      await rm(out, { recursive: true, force: true });
      if (subs.cleanup) await rm(subs.cleanup, { recursive: true, force: true });
    }
  }, 150_000);
});

describe.runIf(root)("wirelab grade --verify scenarios/lab1-grading.yaml: the lab's own regression test", () => {
  it('passes: the good, faulty and empty examples get the scores the scenario gives them', async () => {
    const scen = readableByAll(join(process.cwd(), 'scenarios'));
    try {
      const r = await wirelab(['grade', '--verify', join(scen.path, 'lab1-grading.yaml'), '--jobs', '2'], { timeout: 120_000 });
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^ {2}ok {4}lab1-grading\/submissions\/good +10\/10$/m);
      expect(r.stdout).toMatch(/^ {2}ok {4}lab1-grading\/submissions\/faulty +4\.5\/10$/m);
      expect(r.stdout).toMatch(/^ {2}ok {4}\(empty submission\) +0\/10$/m);
      expect(r.stdout).toContain('all 3 example(s) got their expected scores');
    } finally {
      if (scen.cleanup) await rm(scen.cleanup, { recursive: true, force: true });
    }
  }, 150_000);

  it('fails (exit 1) when an expected score is edited, naming the step that moved', async () => {
    const base = await mkdtemp(join(tmpdir(), 'wirelab-verify-edit-'));
    try {
      await cp(join(process.cwd(), 'scenarios'), join(base, 'scenarios'), { recursive: true });
      await chmod(base, 0o755);
      const file = join(base, 'scenarios', 'lab1-grading.yaml');
      const text = await readFile(file, 'utf8');
      const edited = text
        .replace('      score: 4.5\n', '      score: 5\n')
        .replace('        it echoes a line with its CRLF ending: 0\n', '        it echoes a line with its CRLF ending: 0.5\n');
      expect(edited).not.toBe(text);
      await writeFile(file, edited);
      const r = await wirelab(['grade', '--verify', file, '--jobs', '2'], { timeout: 120_000 });
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(1);
      expect(r.stdout).toMatch(/^ {2}FAIL {2}lab1-grading\/submissions\/faulty +4\.5\/10 {2}expected 5$/m);
      expect(r.stdout).toMatch(/^ +it echoes a line with its CRLF ending +0\.5 +0 {2}<- moved$/m);
      expect(r.stdout).not.toMatch(/it accepts a connection .*moved/);
      expect(r.stdout).toContain('1 of 3 example(s) did not get their expected score');
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  }, 150_000);
});
