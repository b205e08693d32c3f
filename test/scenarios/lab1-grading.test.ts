import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
      const r = await wirelab(['grade', 'scenarios/lab1-grading.yaml', '--submissions', subs.path, '--out', out, '--jobs', '2'], { timeout: 120_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      const csv = (await readFile(join(out, 'grades.csv'), 'utf8')).trim().split(/\r?\n/); // RFC 4180: CRLF
      expect(csv.slice(1)).toEqual([
        // serve, FIN teardown, connect, banner, CRLF echo, hidden second echo, student's capture
        'faulty,5.25,10,graded,1,1,0,0,0,3.25',
        'good,10,10,graded,1,1,1,2,1,4',
      ]);
      const gs = JSON.parse(await readFile(join(out, 'faulty', 'results.json'), 'utf8'));
      expect(gs.score).toBe(5.25);
      expect(gs.tests.find((t: { name: string }) => t.name === 'it echoes a second line').visibility).not.toBe('visible');
      const feedback = await readFile(join(out, 'faulty', 'feedback.md'), 'utf8');
      expect(feedback).toContain('it sends a welcome banner ending in a newline');
    } finally {
      await rm(out, { recursive: true, force: true });
      if (subs.cleanup) await rm(subs.cleanup, { recursive: true, force: true });
    }
  }, 150_000);
});
