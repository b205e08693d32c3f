import { execa } from 'execa';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';


describe('scenarios/echo.yaml', () => {
  it('runs and passes as a non-root user (as nobody when the tests run as root)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'wirelab-nobody-'));
    await chmod(out, 0o777);
    try {
      const asRoot = process.getuid?.() === 0;
      const cmd = asRoot ? ['runuser', '-u', 'nobody', '--', process.execPath] : [process.execPath];
      let root = process.cwd();
      if (asRoot && (await execa('runuser', ['-u', 'nobody', '--', 'test', '-r', BIN], { reject: false })).exitCode !== 0) {
        // The checkout is not readable by nobody (e.g. cloned into a 0700 temp dir): use a copy.
        root = join(out, 'pkg');
        for (const d of ['bin', 'dist', 'schemas', 'scenarios', 'templates', 'package.json', 'node_modules']) {
          await cp(d, join(root, d), { recursive: true }).catch(() => undefined);
        }
        await execa('chmod', ['-R', 'a+rX', root]);
      }
      const r = await execa(cmd[0], [...cmd.slice(1), join(root, 'bin', 'wirelab.js'), 'run', join(root, 'scenarios/echo.yaml'), '--out', out], {
        reject: false,
        env: { NO_COLOR: '1', HOME: out },
        timeout: 60_000,
      });
      expect(r.stderr).toContain('passed: 6/6 checks passed');
      expect(r.exitCode).toBe(0);
      if (asRoot) {
        const who = await execa('stat', ['-c', '%U', join(out, 'run.json')]);
        expect(who.stdout).toBe('nobody');
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
