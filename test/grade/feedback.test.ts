import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/generated/run-record.js';
import { feedbackText } from '../../src/grade/feedback.js';
import { gradeRun } from '../../src/grade/grades.js';
import { checkCounts } from '../../src/interpreter/record.js';
import { schemaErrors } from '../report/records.js';

const step = (p: Partial<StepRecord>): StepRecord => ({
  path: 'steps[0]',
  kind: 'serve',
  title: 't',
  host: 'server',
  status: 'passed',
  startMs: 0,
  durationMs: 1,
  checks: [],
  ...p,
});
const noise = Array.from({ length: 100 }, (_, i) => `log line ${i + 1}`).join('\n');

function record(steps: StepRecord[]): RunRecord {
  return {
    format: 1,
    wirelab: '0.1.0',
    scenario: { name: 'g', file: 'g.yaml', sha256: '0'.repeat(64) },
    run: { name: 'g', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, status: 'failed', exitCode: 1 },
    steps,
    summary: {
      steps: { total: steps.length, passed: 0, failed: 0, errored: steps.length, skipped: 0 },
      checks: checkCounts(steps),
      points: { earned: 0, max: 1 },
    },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-feedback-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function sheet(rec: RunRecord, name: string): Promise<string> {
  expect(schemaErrors(rec)).toBe('');
  const runDir = join(dir, name);
  await mkdir(runDir);
  await writeFile(join(runDir, 'run.json'), JSON.stringify(rec));
  return feedbackText(runDir, 'sub', 'g', gradeRun(rec));
}

describe('feedback sheet', () => {
  it('a serve step that errored shows its reason and the program output with the step, not cut off', async () => {
    const message =
      "port 50007 did not accept connections within 5000 ms; the program's output: (on host server)\nTraceback (most recent call last):\nOSError: [Errno 98] Address already in use";
    const text = await sheet(
      record([step({ title: 'your server starts', points: 1, earned: 0, status: 'errored', error: { message, exit: 'checks-failed' } })]),
      'serve',
    );
    const section = text.slice(text.indexOf('## 1. your server starts'));
    expect(section).toMatch(
      /^## 1\. your server starts — \*\*ERROR\*\*, 0\/1 points\n\n\*\*Error:\*\* port 50007 did not accept connections within 5000 ms; the program's output: \(on host server\)\n\n```\nTraceback \(most recent call last\):\nOSError: \[Errno 98\] Address already in use\n```/,
    );
  });

  it('an ungraded step that errored is listed with its reason; a long output is bounded', async () => {
    const message = `the program exited before accepting connections (exit 1); its output:\n${noise}`;
    const text = await sheet(record([step({ title: 'start the server', status: 'errored', error: { message } })]), 'long');
    expect(text).toContain(
      '## 1. start the server — **ERROR**\n\n**Error:** the program exited before accepting connections (exit 1); its output:',
    );
    expect(text).toContain('log line 40\n');
    expect(text).not.toContain('log line 41\n');
    expect(text).toMatch(/… \(\d+ more characters, 60 more lines in run\.json\)/);
  });
});
