import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wirelab } from '../helpers/cli.js';
import { stepKindNames } from '../../src/steps/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scenario(name: string, text: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, text);
  return f;
}

describe('wirelab CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await wirelab(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/run \[options\] <file>/);
    expect(r.stdout).toMatch(/validate/);
  });

  it('an unknown command or option is a usage error: exit 2', async () => {
    expect((await wirelab(['frobnicate'])).exitCode).toBe(2);
    expect((await wirelab(['run', '--bogus', 'x.yaml'])).exitCode).toBe(2);
  });

  it('a missing file is exit 2 with a message, no stack trace', async () => {
    const r = await wirelab(['run', join(dir, 'nope.yaml')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no such file');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a scenario with two mistakes prints exactly two diagnostics and runs nothing: exit 2', async () => {
    const f = await scenario(
      'two.yaml',
      'name: two\nsteps:\n  - serve: { as: echo, echo: { banner: hi } }\n  - conect: { to: echo, as: s }\n  - exec: { run: "touch ran", expct: {} }\n',
    );
    const r = await wirelab(['run', f], { cwd: dir });
    expect(r.exitCode).toBe(2);
    const diags = r.stderr.split('\n').filter((l) => l.startsWith(f));
    expect(diags).toEqual([
      `${f}:4:5: unknown-step unknown step kind "conect" (did you mean "connect"?); expected one of: ${[...stepKindNames].join(', ')}`,
      `${f}:5:31: unknown-key unknown key "expct" in "exec" (did you mean "expect"?); expected one of: run, on, cwd, env, stdin, expect`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await wirelab(['validate', f])).exitCode).toBe(2);
  });

  it('a failing expectation exits 1 and shows expected vs received', async () => {
    const f = await scenario(
      'fail.yaml',
      'name: fail\nsteps:\n  - serve: { as: echo, echo: { banner: "Welcome!\\r\\n" } }\n  - connect: { to: echo, as: s }\n  - expect: { conn: s, line: "Bienvenue!" }\n  - close: s\n',
    );
    const r = await wirelab(['run', f, '--out', join(dir, 'fail-run')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('FAIL expect line "Bienvenue!" on s');
    expect(r.stderr).toContain('expected: line "Bienvenue!"');
    expect(r.stderr).toContain('received: "Welcome!\\r\\n"');
  });

  it('--json prints the run record and the exit code still tells the result', async () => {
    const f = await scenario('ok.yaml', 'name: ok\nsteps:\n  - exec: { run: [echo, hi], expect: { stdout: { equals: hi } } }\n');
    const r = await wirelab(['run', f, '--json', '--out', join(dir, 'ok-run')]);
    expect(r.exitCode).toBe(0);
    const rec = JSON.parse(r.stdout);
    expect(rec.steps[0].exec).toMatchObject({ command: 'echo hi', exitCode: 0, stdout: 'hi\n' });
  });

  it('validate accepts the shipped echo scenario', async () => {
    const r = await wirelab(['validate', 'scenarios/echo.yaml']);
    expect(r.exitCode).toBe(0);
  });
});
