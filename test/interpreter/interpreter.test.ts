import { describe, expect, it } from 'vitest';
import { run as validateRunRecord } from '../../src/generated/validators.js';
import { runText } from '../helpers/scenario.js';

const echo = (extra: string) => `
name: t
steps:
  - serve: { as: echo, echo: { banner: "hello\\r\\n" } }
  - connect: { to: echo, as: s }
${extra}
`;

describe('interpreter', () => {
  it('runs the steps in order and writes a run record that matches run.schema.json', async () => {
    const { record } = await runText(echo(`  - expect: { conn: s, line: hello }\n    points: 2\n  - close: s`));
    const valid = validateRunRecord(record);
    expect(validateRunRecord.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(record.steps.map((s) => [s.kind, s.status])).toEqual([
      ['serve', 'passed'],
      ['connect', 'passed'],
      ['expect', 'passed'],
      ['close', 'passed'],
    ]);
    expect(record.run.exitCode).toBe(0);
    expect(record.summary.points).toEqual({ earned: 2, max: 2 });
    expect(record.scenario.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a failed expectation is a result: status failed, exit 1, expected vs received kept', async () => {
    const { record } = await runText(echo(`  - expect: { conn: s, line: goodbye }\n    points: 3\n  - close: s`));
    const step = record.steps[2];
    expect(step.status).toBe('failed');
    expect(step.checks[0]).toMatchObject({ passed: false, expected: 'line "goodbye"', actual: '"hello\\r\\n"' });
    expect(step.earned).toBe(0);
    expect(record.steps[3].status).toBe('passed');
    expect(record.run.exitCode).toBe(1);
  });

  it('the exit code comes from the error class: a refused target (bad input) exits 2, an unopened connection 1', async () => {
    const { record } = await runText(`
name: t
steps:
  - connect: { to: "192.0.2.1:80", as: c }
  - send: { conn: c, text: x }
`);
    expect(record.steps.map((s) => [s.status, s.error?.exit])).toEqual([
      ['errored', 'bad-input'],
      ['errored', 'checks-failed'],
    ]);
    expect(record.run.exitCode).toBe(2);
    expect(validateRunRecord(record)).toBe(true);
  });

  it('a step past its timeout is errored, the run goes on, and teardown still runs', async () => {
    const { record } = await runText(echo(`  - exec: { run: [sleep, "5"] }\n    timeout: 300ms\n  - expect: { conn: s, line: hello }`));
    expect(record.steps[2].status).toBe('errored');
    expect(record.steps[2].error?.code).toBe('timeout');
    expect(record.steps[3].status).toBe('passed');
    expect(record.run.exitCode).toBe(1);
  });

  it('the run timeout stops the current step and skips the rest', async () => {
    const { record } = await runText(`
name: t
timeout: 400ms
steps:
  - exec: { run: [sleep, "5"] }
  - exec: { run: "true" }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['errored', 'skipped']);
    expect(record.run.interrupted).toBe('timeout');
    expect(record.run.exitCode).toBe(1);
  });

  it('an expectation on a connection that never opened is an error, not a crash', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: echo, echo: {} }
  - exec: { run: "true" }
  - connect: { to: "127.0.0.1:1", as: s }
  - send: { conn: s, line: x }
`);
    expect(record.steps[2].status).toBe('failed');
    expect(record.steps[2].checks[0]).toMatchObject({ expected: 'open', actual: 'refused' });
    expect(record.steps[3].status).toBe('errored');
    expect(record.steps[3].error?.message).toContain('not open');
  });

  it('partial credit is not given for all-or-nothing checks', async () => {
    const { record } = await runText(`
name: t
steps:
  - exec: { run: "echo hi; exit 3", expect: { exit: 0, stdout: hi } }
    points: 4
`);
    expect(record.steps[0].checks.map((c) => c.passed)).toEqual([false, true]);
    expect(record.steps[0].earned).toBe(0);
  });
});
