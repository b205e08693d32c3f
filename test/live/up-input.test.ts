import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wirelab } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wltlive-input-'));
const env = { WIRELAB_STATE_DIR: join(dir, 'state') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(name: string, text: string): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, text);
  return f;
}

describe('wirelab up: bad input is exit 2 with the position, before anything is built', () => {
  it('names a live.serve entry that is no top-level serve step', async () => {
    const f = scenario(
      'unknown',
      [
        'name: unknown',
        'live:',
        '  serve: [echo, nope]',
        'topology:',
        '  hosts:',
        '    a: { ip: 198.51.100.1/24 }',
        'steps:',
        '  - serve: { as: echo, on: a, port: 7, echo: {} }',
        '',
      ].join('\n'),
    );
    const r = await wirelab(['up', f], { env, cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      `${f}:3:17: live-unknown-server no serve step at the top level or in a top-level parallel group is named "nope"; the servers are: echo`,
    );
  });

  it('needs a topology', async () => {
    const f = scenario('flat', 'name: flat\nsteps:\n  - serve: { as: echo, port: 7, echo: {} }\n');
    const r = await wirelab(['up', f], { env, cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/flat\.yaml:1:1: live-needs-topology a live lab needs a `topology:`/);
  });

  it('refuses a bad --ttl and --name', async () => {
    const f = scenario('ok', 'name: ok\ntopology:\n  hosts:\n    a: { ip: 198.51.100.1/24 }\nsteps: []\n');
    const ttl = await wirelab(['up', f, '--ttl', '2d'], { env, cwd: dir });
    expect(ttl.exitCode).toBe(2);
    expect(ttl.stderr).toContain('--ttl takes a duration up to 24h');
    const name = await wirelab(['up', f, '--name', '../x'], { env, cwd: dir });
    expect(name.exitCode).toBe(2);
    expect(name.stderr).toContain('--name takes letters');
  });

  it('shell and exec without a live lab say how to bring one up', async () => {
    const r = await wirelab(['exec', 'a', '--', 'true'], { env, cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no live lab: bring one up with `wirelab up SCENARIO`');
  });
});
