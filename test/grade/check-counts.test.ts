import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveReporter } from '../../src/reporters/live.js';
import type { RunRecord, StepRecord } from '../../src/generated/run-record.js';
import { feedbackText } from '../../src/grade/feedback.js';
import { gradeRun } from '../../src/grade/grades.js';
import { toGradescope } from '../../src/grade/gradescope.js';
import { summaryTable } from '../../src/grade/table.js';
import { checkCounts } from '../../src/interpreter/record.js';

const step = (p: Partial<StepRecord>): StepRecord => ({
  path: 'steps[0]',
  kind: 'expect',
  title: 't',
  host: 'local',
  status: 'passed',
  startMs: 0,
  durationMs: 1,
  checks: [],
  ...p,
});
const ok = (title: string) => ({ title, passed: true });
const bad = (title: string) => ({ title, passed: false, expected: 'x', actual: 'y' });

// The shape of lab1-grading's faulty run: six graded steps, one of which (inspect) records two checks.
const steps = [
  step({ title: 'server starts', kind: 'serve' }),
  step({ title: 'connects', points: 1, earned: 1, checks: [ok('connect')] }),
  step({ title: 'banner', points: 1, earned: 0, status: 'failed', checks: [bad('receive')] }),
  step({ title: 'echo', points: 2, earned: 0, status: 'failed', checks: [bad('receive')] }),
  step({ title: 'second', points: 1, earned: 0, status: 'failed', checks: [bad('receive')] }),
  step({ title: 'wire', points: 1, earned: 1, checks: [ok('packets')] }),
  step({
    title: 'inspect',
    kind: 'inspect',
    points: 4,
    earned: 0,
    status: 'failed',
    checks: [ok('capture file readable'), bad('sequence')],
  }),
];
const record: RunRecord = {
  format: 1,
  wirelab: '0.1.0',
  scenario: { name: 'g', file: 'g.yaml', sha256: '0'.repeat(64) },
  run: { name: 'g', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, status: 'failed', exitCode: 1 },
  steps,
  summary: {
    steps: { total: 7, passed: 3, failed: 4, errored: 0, skipped: 0 },
    checks: checkCounts(steps),
    points: { earned: 2, max: 10 },
  },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-counts-'));
  await writeFile(join(dir, 'run.json'), JSON.stringify(record));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('one definition of checks', () => {
  it('the terminal summary, the grade table, Gradescope and the feedback sheet give the same count', async () => {
    expect(record.summary.checks).toMatchObject({ passed: 3, total: 7 });
    const grade = gradeRun(record);
    const lines: string[] = [];
    new LiveReporter({ write: (s: string) => lines.push(s), isTTY: false } as unknown as NodeJS.WriteStream).runFinished(record);
    const terminal = /(\d+\/\d+) checks passed/.exec(lines.join(''))?.[1];
    const table = /^sub\s+\S+\s+(\S+)/m.exec(summaryTable([{ submission: 'sub', grade }]))?.[1];
    const gradescope = /(\d+\/\d+) checks passed/.exec(toGradescope(grade, { scenario: 'g' }).output ?? '')?.[1];
    const sheet = /\*\*Checks:\*\* (\d+\/\d+) checks passed/.exec(await feedbackText(dir, 'sub', 'g', grade))?.[1];
    expect({ terminal, table, gradescope, sheet }).toEqual({ terminal: '3/7', table: '3/7', gradescope: '3/7', sheet: '3/7' });
  });
});
