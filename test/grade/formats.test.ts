import { describe, expect, it } from 'vitest';
import type { RunRecord, StepRecord } from '../../src/generated/run-record.js';
import { csvField, gradesCsv } from '../../src/grade/csv.js';
import { toGradescope } from '../../src/grade/gradescope.js';
import { errorGrade, gradeRun } from '../../src/grade/grades.js';
import { errorLines } from '../../src/grade/run-one.js';
import { junitXml, xmlEscape } from '../../src/grade/junit.js';
import { parseShard, shardOf } from '../../src/grade/submissions.js';
import { summaryTable } from '../../src/grade/table.js';
import { GradeProgress } from '../../src/grade/progress.js';
import { checkCounts } from '../../src/interpreter/record.js';
import { findAll, parseXml } from './xml.js';
import { validateResults } from './schema.js';

function step(p: Partial<StepRecord>): StepRecord {
  return { path: 'steps[0]', kind: 'expect', title: 't', host: 'local', status: 'passed', startMs: 0, durationMs: 1, checks: [], ...p };
}

function record(steps: StepRecord[], interrupted?: string): RunRecord {
  return {
    format: 1,
    wirelab: '0.1.0',
    scenario: { name: 'echo', file: 'echo.yaml', sha256: '0' },
    run: {
      name: 'echo',
      startedAt: '2026-01-01T00:00:00Z',
      durationMs: 5,
      status: 'failed',
      exitCode: 1,
      ...(interrupted ? { interrupted } : {}),
    },
    steps,
    summary: {
      steps: { total: 0, passed: 0, failed: 0, errored: 0, skipped: 0 },
      checks: checkCounts(steps),
      points: { earned: 0, max: 0 },
    },
  };
}

const nasty = 'a & b < c > d "e" \u0001\u0007 \'f\'';
const rec = record([
  step({ title: 'serve', points: undefined }),
  step({ title: 'connects', points: 1, earned: 1 }),
  step({
    title: 'banner',
    points: 2,
    earned: 0,
    status: 'failed',
    checks: [{ title: 'receive', expected: 'line "Hi"', actual: nasty, passed: false }],
  }),
  step({
    title: 'partial',
    points: 4,
    earned: 2.5,
    status: 'failed',
    checks: [{ title: 'sequence', passed: false, fraction: 0.625, detail: 'diff' }],
  }),
  step({ title: 'errs', points: 3, earned: 3, status: 'errored', error: { message: 'connection refused' } }),
  step({ title: 'capture', children: [step({ title: 'inner, "quoted"', points: 2, earned: 2, hidden: true })] }),
  step({ title: 'later', points: 1, status: 'skipped' }),
]);

describe('grade model', () => {
  it('takes points, partial credit, errors, hidden and nested steps from the run record', () => {
    const g = gradeRun(rec);
    expect(g.checks.map((c) => [c.name, c.score, c.maxScore, c.status, c.visibility])).toEqual([
      ['connects', 1, 1, 'passed', 'visible'],
      ['banner', 0, 2, 'failed', 'visible'],
      ['partial', 2.5, 4, 'failed', 'visible'],
      ['errs', 0, 3, 'errored', 'visible'],
      ['inner, "quoted"', 2, 2, 'passed', 'after_published'],
      ['later', 0, 1, 'skipped', 'visible'],
    ]);
    expect(g.score).toBe(5.5);
    expect(g.maxScore).toBe(13);
    expect(g.status).toBe('graded');
    expect(g.checks[1].output).toContain('expected: line "Hi"');
    expect(g.checks[3].output).toContain('Error: connection refused');
    expect(gradeRun(rec, { hiddenVisibility: 'hidden' }).checks[4].visibility).toBe('hidden');
    expect(gradeRun(record([], 'SIGTERM')).error).toMatch(/SIGTERM/);
    const broken = gradeRun(
      record([
        step({ title: 'serve', status: 'errored', error: { message: 'exited (exit 1)' } }),
        step({ title: 'c', points: 1, status: 'errored', error: { message: 'not open' } }),
      ]),
    );
    expect(broken.setupErrors).toEqual(['serve: exited (exit 1)']);
    expect(broken.checks[0].output).toBe('Error: not open\nEarlier error in serve: exited (exit 1)');
    expect(toGradescope(broken, { scenario: 's' }).output).toMatch(/\nError in serve: exited \(exit 1\)$/);
  });

  it('gives an error grade 0 of the planned points with the reason', () => {
    const g = errorGrade('timed out after 30 s', 3, [
      { name: 'a', maxScore: 1 },
      { name: 'b', maxScore: 2, hidden: true },
    ]);
    expect(g).toMatchObject({ score: 0, maxScore: 3, status: 'error', error: 'timed out after 30 s' });
    expect(g.checks[1]).toMatchObject({ status: 'errored', visibility: 'after_published', output: 'Not graded: timed out after 30 s' });
  });
});

describe('Gradescope results.json', () => {
  it('validates against the schema and maps statuses', () => {
    const r = toGradescope(gradeRun(rec), { scenario: 'echo', executionTime: 1.23456 });
    expect(validateResults(r), JSON.stringify(validateResults.errors)).toBe(true);
    expect(r.score).toBe(5.5);
    expect(r.max_score).toBe(13);
    expect(r.execution_time).toBe(1.235);
    expect(r.tests.map((t) => t.status)).toEqual(['passed', 'failed', 'failed', 'failed', 'passed', 'failed']);
    expect(r.tests[3].output).toMatch(/connection refused/);
    const e = toGradescope(errorGrade('crashed', 1, [{ name: 'a', maxScore: 1 }]), { scenario: 'echo' });
    expect(validateResults(e)).toBe(true);
    expect(e.output).toMatch(/could not be graded completely: crashed/);
  });

  it('the schema rejects what Gradescope would not take', () => {
    expect(validateResults({ tests: [{ name: 'no score' }] })).toBe(false);
    expect(validateResults({ score: 1, tests: [{ score: 1, status: 'ok' }] })).toBe(false);
    expect(validateResults({ score: 1, visibility: 'sometimes' })).toBe(false);
    expect(validateResults({ tests: [{ score: 1 }] })).toBe(true);
  });
});

describe('JUnit XML', () => {
  it('parses with a strict parser and has the right counts and attributes', () => {
    const rows = [
      { submission: 'bob & <co>', grade: gradeRun(rec) },
      { submission: 'alice', grade: errorGrade('timed out after 3 s', 1, [{ name: 'a', maxScore: 1 }]) },
    ];
    const doc = parseXml(junitXml(rows, 'echo'));
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ tests: '7', failures: '2', errors: '2', skipped: '1' });
    const suites = findAll(doc, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['alice', 'bob & <co>']);
    expect(suites[1].attrs).toMatchObject({ tests: '6', failures: '2', errors: '1', skipped: '1' });
    const cases = findAll(suites[1], 'testcase');
    expect(cases.map((c) => c.attrs.name)).toContain('inner, "quoted"');
    const banner = cases.find((c) => c.attrs.name === 'banner')!;
    const failure = findAll(banner, 'failure')[0];
    expect(failure.attrs.message).toMatch(/^0\/2 points: FAIL receive/);
    expect(failure.text).toContain('a & b < c > d "e"  \'f\'');
    expect(failure.text).not.toMatch(/[\u0001\u0007]/);
    expect(findAll(banner, 'property').map((p) => [p.attrs.name, p.attrs.value])).toEqual([
      ['score', '0'],
      ['max_score', '2'],
      ['visibility', 'visible'],
    ]);
    expect(findAll(suites[0], 'error')[0].attrs.message).toMatch(/timed out after 3 s/);
  });

  it('the test parser rejects malformed XML (so the test above can fail)', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
    expect(() => parseXml('<a>&</a>')).toThrow();
    expect(() => parseXml('<a>\u0001</a>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
    expect(xmlEscape('<&>"\'\u0000')).toBe('&lt;&amp;&gt;&quot;&apos;');
  });
});

describe('grades.csv', () => {
  it('quotes per RFC 4180 and has one column per check, rows sorted', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField('plain')).toBe('plain');
    const csv = gradesCsv([
      { submission: 'zed', grade: gradeRun(rec) },
      { submission: 'amy', grade: errorGrade('crashed, badly', 13, []) },
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('submission,score,max,status,connects,banner,partial,errs,"inner, ""quoted""",later');
    expect(lines[1]).toBe('amy,0,13,"error: crashed, badly",,,,,,');
    expect(lines[2]).toBe('zed,5.5,13,graded,1,0,2.5,0,2,0');
    expect(lines[3]).toBe('');
  });
});

describe('shards, table, progress', () => {
  it('shards partition the sorted list deterministically', () => {
    const items = Array.from({ length: 11 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const parts = [1, 2, 3].map((i) => shardOf(items, { index: i, count: 3 }));
    expect(parts.flat().sort()).toEqual(items);
    expect(parts.map((p) => p.length)).toEqual([4, 4, 3]);
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('prints a summary table and a progress bar', () => {
    const t = summaryTable([
      { submission: 'amy', grade: errorGrade('timed out after 3 s', 1, []) },
      { submission: 'bob', grade: gradeRun(rec) },
    ]);
    expect(t).toMatch(/amy\s+0\/1\s+-\s+timed out after 3 s/);
    expect(t).toMatch(/bob\s+5\.5\/13\s+0\/2\s/);
    expect(t).toMatch(/2 submissions · 0 full marks · 1 not gradable · mean 2\.75/);
    const lines: string[] = [];
    const p = new GradeProgress(4, { write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream, false);
    p.started();
    p.started();
    p.finished('a', '1/1', false);
    expect(lines).toEqual(['[1/4] a: 1/1\n']);
    expect(p.bar(8)).toBe('[##------] 1/4 done · 0 failed · 1 running');
  });
});

describe('errorLines', () => {
  it("quotes a crash's message, not the tail of its stack", () => {
    const stderr =
      'wirelab: unexpected error (this is a bug)\nError: spawn EAGAIN\n    at ChildProcess.spawn (node:internal/child_process:421:11)\n    at async Module.main (file:///x/dist/cli/main.js:28:10)\n';
    expect(errorLines(stderr)).toBe('wirelab: unexpected error (this is a bug) Error: spawn EAGAIN');
    expect(errorLines('one\ntwo\nthree\nfour')).toBe('two three four');
  });
});
