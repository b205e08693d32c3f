import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRuns } from '../../src/topology/cleanup.js';
import { NETNS_PATTERN } from '../../src/topology/plan.js';
import { claimRun, ownerAlive, processStart, readStates } from '../../src/topology/state.js';

const dir = mkdtempSync(join(tmpdir(), 'wl-state-'));
process.env.WIRELAB_STATE_DIR = dir;
afterAll(() => {
  delete process.env.WIRELAB_STATE_DIR;
  rmSync(dir, { recursive: true, force: true });
});

describe('run state and cleanup selection', () => {
  it('matches only wirelab namespace names', () => {
    expect(NETNS_PATTERN.exec('wl-a1b2c3-client')?.[1]).toBe('a1b2c3');
    expect(NETNS_PATTERN.exec('wl-a1b2c3--sw')?.[1]).toBe('a1b2c3');
    for (const other of ['wlt1-client', 'wlt5-bench-srv', 'wl-zzzzzz-a', 'wlbench-1-a', 'lab-a1b2c3-x'])
      expect(NETNS_PATTERN.test(other)).toBe(false);
  });

  it('claims distinct run ids owned by this process', () => {
    const a = claimRun();
    const b = claimRun();
    expect(a.runId).not.toBe(b.runId);
    expect(ownerAlive(a)).toBe(true);
    expect(
      readStates()
        .map((s) => s.runId)
        .sort(),
    ).toEqual([a.runId, b.runId].sort());
    rmSync(join(dir, `${a.runId}.json`));
    rmSync(join(dir, `${b.runId}.json`));
  });

  it('selects runs whose owner is gone (a reused PID with another start time counts as gone), keeps live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const state = (runId: string, pid: number, pidStart: string) =>
      writeFileSync(
        join(dir, `${runId}.json`),
        JSON.stringify({ runId, pid, pidStart, startedAt: '', namespaces: [`wl-${runId}-a`], netnsDirs: [], agents: [] }),
      );
    state('dead01', deadPid, processStart(process.pid)!);
    state('bbbbbb', process.pid, 'not-my-start-time');
    state('aaaaaa', process.pid, processStart(process.pid)!);
    const dry = await cleanupRuns({ dryRun: true });
    expect(dry.runs.map((r) => r.runId).sort()).toEqual(['bbbbbb', 'dead01']);
    expect(existsSync(join(dir, 'dead01.json'))).toBe(true);
    const all = await cleanupRuns({ dryRun: true, all: true });
    expect(all.runs.map((r) => r.runId).sort()).toEqual(['aaaaaa', 'bbbbbb', 'dead01']);
  });
});

describe('cleanup removes only what a state file of a dead run names', () => {
  const root = process.getuid?.() === 0;
  const ns = (name: string) =>
    spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .stdout.split('\n')
      .some((l) => l.split(' ')[0] === name);
  it.skipIf(!root)("leaves a wl-<hex>-* namespace no state file names (with a live process inside), removes a dead run's", async () => {
    const foreign = `wl-${randomBytes(3).toString('hex')}-x`;
    const deadId = randomBytes(3).toString('hex');
    const deadNs = `wl-${deadId}-a`;
    let sleeper: ReturnType<typeof spawn> | undefined;
    try {
      expect(spawnSync('ip', ['netns', 'add', foreign]).status).toBe(0);
      expect(spawnSync('ip', ['netns', 'add', deadNs]).status).toBe(0);
      sleeper = spawn('ip', ['netns', 'exec', foreign, 'sleep', '30'], { stdio: 'ignore' });
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(
        join(dir, `${deadId}.json`),
        JSON.stringify({
          runId: deadId,
          pid: Number(dead.stdout),
          pidStart: 'gone',
          startedAt: '',
          namespaces: [deadNs],
          netnsDirs: [],
          agents: [],
        }),
      );
      const dry = await cleanupRuns({ dryRun: true });
      expect(dry.runs.map((r) => r.runId)).toContain(deadId);
      expect(dry.left.find((l) => l.name === foreign)?.reason).toMatch(/no state file/);
      const done = await cleanupRuns();
      expect(done.errors).toEqual([]);
      expect(ns(deadNs)).toBe(false);
      expect(existsSync(join(dir, `${deadId}.json`))).toBe(false);
      expect(ns(foreign)).toBe(true);
      expect(sleeper.exitCode).toBe(null);
      // --all covers live runs with a state file, still never a namespace no state names
      await cleanupRuns({ all: true });
      expect(ns(foreign)).toBe(true);
    } finally {
      sleeper?.kill('SIGKILL');
      spawnSync('ip', ['netns', 'del', foreign]);
      spawnSync('ip', ['netns', 'del', deadNs]);
      rmSync(join(dir, `${deadId}.json`), { force: true });
    }
  });
});
