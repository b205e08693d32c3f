import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentHost, AGENT_PATH } from '../../src/hosts/remote.js';
import { LocalHost } from '../../src/hosts/host.js';
import { hostOps } from '../../src/ops/index.js';

const workdir = mkdtempSync(join(tmpdir(), 'wl-ops-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

describe('the op registry (src/ops)', () => {
  it('the real agent (dist/, as built) serves the registry it is given', async () => {
    expect(AGENT_PATH).toMatch(/(bundle\/agent|ops\/agent-main)\.js$/);
    const a = new AgentHost('h1', { workdir });
    try {
      const r = await a.call('exec', { run: ['/bin/echo', 'from the agent'], timeoutMs: 5000 });
      expect(r).toMatchObject({ exitCode: 0, stdout: 'from the agent\n', timedOut: false });
    } finally {
      await a.shutdown();
    }
  });

  it('a LocalHost runs the ops of the table passed in', async () => {
    const h = new LocalHost('local', workdir, hostOps);
    try {
      const r = await h.call('exec', { run: ['/bin/echo', 'local'], timeoutMs: 5000 });
      expect(r.stdout).toBe('local\n');
    } finally {
      await h.shutdown();
    }
  });
});
