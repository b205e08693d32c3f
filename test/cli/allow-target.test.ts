import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wirelab } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-allow-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a malformed --allow-target is bad input at parse time', () => {
  it.each(['999.1.1.1/8', '1.2.3.4/33', 'abc'])('run --allow-target %s: exit 2 before anything runs', async (value) => {
    const f = join(dir, 'loop.yaml');
    await writeFile(
      f,
      'name: loop\nsteps:\n  - serve: { as: echo, echo: { banner: hi } }\n  - connect: { to: echo, as: s }\n  - close: s\n',
    );
    const out = join(dir, `out-${value.replace(/\W/g, '_')}`);
    const r = await wirelab(['run', f, '--out', out, '--allow-target', value]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--allow-target value "${value}"`);
    expect(r.stderr).toContain('expected a CIDR such as 198.51.100.0/24');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Parsed before the run: no step ran, so no run record was written.
    expect(existsSync(join(out, 'run.json'))).toBe(false);
  });

  it.each([
    ['scan', ['127.0.0.1', '-p', '1']],
    ['trace', ['127.0.0.1']],
    ['resolve', ['x.example', '--server', '127.0.0.1:1']],
  ])('%s: exit 2 naming the value', async (cmd, args) => {
    const r = await wirelab([cmd, ...args, '--allow-target', '999.1.1.1/8']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--allow-target value "999.1.1.1/8"');
  });
});
