import { execa } from 'execa';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

const asRoot = process.getuid?.() === 0;
let out: string;
let root: string;

/** Runs the CLI as nobody (when the tests run as root) or as the current user. */
function asUser(args: string[]) {
  const cmd = asRoot ? ['runuser', '-u', 'nobody', '--', process.execPath] : [process.execPath];
  return execa(cmd[0], [...cmd.slice(1), join(root, 'bin', 'wirelab.js'), ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: out },
    timeout: 60_000,
  });
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'wirelab-nobody-'));
  await chmod(out, 0o777);
  root = process.cwd();
  if (asRoot && (await execa('runuser', ['-u', 'nobody', '--', 'test', '-r', BIN], { reject: false })).exitCode !== 0) {
    // The checkout is not readable by nobody (e.g. cloned into a 0700 temp dir): use a copy.
    root = join(out, 'pkg');
    for (const d of ['bin', 'dist', 'schemas', 'scenarios', 'templates', 'package.json', 'node_modules', 'native/build', 'test/fixtures']) {
      await cp(d, join(root, d), { recursive: true }).catch(() => undefined);
    }
    await execa('chmod', ['-R', 'a+rX', root]);
  }
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('without root', () => {
  it('scenarios/echo.yaml runs and passes (as nobody when the tests run as root)', async () => {
    const r = await asUser(['run', join(root, 'scenarios/echo.yaml'), '--out', join(out, 'echo')]);
    expect(r.stderr).toContain('passed: 6/6 checks passed');
    expect(r.exitCode).toBe(0);
    if (asRoot) expect((await execa('stat', ['-c', '%U', join(out, 'echo', 'run.json')])).stdout).toBe('nobody');
  });

  it('a topology scenario exits 3 with the command that fixes it, before building anything', async () => {
    const r = await asUser(['run', join(root, 'scenarios/lab1.yaml'), '--out', join(out, 'lab1')]);
    if (!asRoot && r.exitCode === 0) return; // a non-root user with the capabilities granted may build it
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/needs root[\s\S]*fix: /);
    expect(r.stderr).not.toMatch(/topology teardown/);
  });

  it.runIf(asRoot)(
    'environment errors with their own codes (raw-not-permitted, capture-permission) exit 3, and the record says why',
    async () => {
      const f = join(out, 'env.yaml');
      await writeFile(
        f,
        'name: env\nsteps:\n  - scan: { target: 127.0.0.1, ports: "1", method: syn }\n  - capture: { as: c, interface: lo, during: [] }\n',
      );
      await chmod(f, 0o644);
      const r = await asUser(['run', f, '--out', join(out, 'env-run')]);
      expect(r.exitCode, r.stderr).toBe(3);
      const rec = JSON.parse(await readFile(join(out, 'env-run', 'run.json'), 'utf8'));
      expect(rec.run.exitCode).toBe(3);
      expect(rec.steps.map((s: { error?: unknown }) => s.error)).toEqual([
        expect.objectContaining({ code: 'raw-not-permitted', exit: 'environment' }),
        expect.objectContaining({ code: 'capture-permission', exit: 'environment' }),
      ]);
    },
  );

  it.runIf(asRoot)('wirelab grade exits 3 with the fix when the sandbox cannot be had', async () => {
    const fixtures = join(root, 'test/fixtures');
    const r = await asUser([
      'grade',
      join(fixtures, 'echo-grading.yaml'),
      '--submissions',
      join(fixtures, 'submissions'),
      '--out',
      join(out, 'grades'),
    ]);
    expect(r.stderr).toMatch(/needs root\n {2}fix: run wirelab grade as root/);
    expect(r.exitCode).toBe(3);
  });
});
