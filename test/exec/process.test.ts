import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnDetached } from '../../src/exec/process.js';
import { commandLine, type CommandWrapper } from '../../src/util/command-line.js';
import { DEFAULT_LIMITS, SANDBOX_ENV } from '../../src/sandbox/limits.js';
import { LocalHost } from '../../src/hosts/host.js';
import { hostOps } from '../../src/ops/index.js';

const workdir = mkdtempSync(join(tmpdir(), 'wl-exec-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

async function output(child: ReturnType<typeof spawnDetached>): Promise<{ out: string; code: number | undefined }> {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const r = await child;
  return { out, code: r.exitCode };
}

describe('starting programs (src/exec/process.ts)', () => {
  it('reads no sandbox from the environment: only the wrapper it is passed applies', async () => {
    const saved = process.env[SANDBOX_ENV];
    // a sandbox whose user does not exist: were it applied, setpriv would refuse to start the program
    process.env[SANDBOX_ENV] = JSON.stringify({ ...DEFAULT_LIMITS, user: 'wl-no-such-user' });
    try {
      expect(await output(spawnDetached(commandLine(['/bin/echo', 'as is']), {}))).toEqual({ out: 'as is\n', code: 0 });
    } finally {
      if (saved === undefined) delete process.env[SANDBOX_ENV];
      else process.env[SANDBOX_ENV] = saved;
    }
  });

  it('a host passes its context’s wrapper to every program its ops start', async () => {
    const wrap: CommandWrapper = (cmd) => ({ file: '/bin/echo', args: ['wrapped', cmd.file, ...cmd.args], shell: false });
    const h = new LocalHost('local', workdir, hostOps, { wrapCommand: wrap });
    const plain = new LocalHost('local', workdir, hostOps);
    try {
      expect((await h.call('exec', { run: ['/bin/echo', 'x'], timeoutMs: 5000 })).stdout).toBe('wrapped /bin/echo x\n');
      expect((await plain.call('exec', { run: ['/bin/echo', 'x'], timeoutMs: 5000 })).stdout).toBe('x\n');
    } finally {
      await h.shutdown();
      await plain.shutdown();
    }
  });
});
