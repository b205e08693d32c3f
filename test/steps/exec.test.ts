import { describe, expect, it } from 'vitest';
import { runText } from '../helpers/scenario.js';

describe('exec', () => {
  it('checks exit code, stdout and stderr and keeps the transcript', async () => {
    const { record } = await runText(`
name: t
steps:
  - exec:
      run: "cat; echo err >&2; exit 3"
      stdin: "from stdin\\n"
      expect: { exit: 3, stdout: { equals: "from stdin" }, stderr: err }
`);
    const s = record.steps[0];
    expect(s.status).toBe('passed');
    expect(s.checks.map((c) => c.title)).toEqual(['exit code', 'stdout', 'stderr']);
    expect(s.exec).toMatchObject({ command: 'cat; echo err >&2; exit 3', exitCode: 3, stdout: 'from stdin\n', stderr: 'err\n' });
  });

  it('failed output checks say what was expected and what came', async () => {
    const { record } = await runText(`
name: t
steps:
  - exec: { run: [echo, "hello world"], expect: { stdout: { regex: "^goodbye" } } }
`);
    expect(record.steps[0].status).toBe('failed');
    expect(record.steps[0].checks[1]).toMatchObject({ passed: false, expected: 'matches /^goodbye/', actual: '"hello world\\n"' });
  });

  it('substitutes {{vars}} and caps a flood of output', async () => {
    const { record } = await runText(
      `
name: t
steps:
  - exec: { run: [sh, -c, "echo {{who}}; head -c 3000000 /dev/zero | tr '\\\\0' x"], expect: { stdout: { contains: Grace } } }
`,
      { who: 'Grace' },
    );
    const s = record.steps[0];
    expect(s.status).toBe('passed');
    expect(s.exec?.truncated).toBe(true);
    expect(s.exec!.stdout.length).toBe(1 << 20);
  });

  it('a program that does not exist is an error, not a failed check', async () => {
    const { record } = await runText(`
name: t
steps:
  - exec: { run: [/nonexistent/program] }
`);
    expect(record.steps[0].status).toBe('errored');
    expect(record.steps[0].error?.message).toMatch(/could not run/);
  });
});
