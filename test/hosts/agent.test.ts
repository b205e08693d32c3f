import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AgentHost } from '../../src/hosts/remote.js';
import { EnvironmentError, TargetRefusedError } from '../../src/errors.js';
import { alive } from '../helpers/process.js';

const agentPath = new URL('./test-agent.mjs', import.meta.url).pathname;
const workdir = mkdtempSync(join(tmpdir(), 'wl-agent-'));
const started: AgentHost[] = [];

function agent(opts: { shutdownTimeoutMs?: number } = {}): AgentHost {
  const a = new AgentHost('h1', { workdir, agentPath, ...opts });
  started.push(a);
  return a;
}

async function waitGone(pid: number, maxMs: number): Promise<boolean> {
  for (let waited = 0; waited < maxMs; waited += 50) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.shutdown()));
});
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

describe('AgentHost (agent without a namespace)', () => {
  it('round-trips an op with JSON args and the host context', async () => {
    const a = agent();
    const r = (await a.request('echo', { x: [1, 'two'] })) as { args: unknown; host: string; pid: number };
    expect(r.args).toEqual({ x: [1, 'two'] });
    expect(r.host).toBe('h1');
    expect(r.pid).toBe(a.pid);
    expect(r.pid).not.toBe(process.pid);
  });

  it('rebuilds WirelabError subclasses so exit codes and fixes survive', async () => {
    const a = agent();
    const env = (await a.request('envFail', {}).then(
      () => undefined,
      (e: unknown) => e,
    )) as EnvironmentError;
    expect(env).toBeInstanceOf(EnvironmentError);
    expect(env.exitCode).toBe(3);
    expect(env.fix).toBe('apt-get install widget');
    expect(env.message).toBe('no widget\n  fix: apt-get install widget');
    const refused = (await a.request('refuse', {}).then(
      () => undefined,
      (e: unknown) => e,
    )) as TargetRefusedError;
    expect(refused).toBeInstanceOf(TargetRefusedError);
    expect(refused.exitCode).toBe(2);
    const crash = (await a.request('crash', {}).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(crash.name).toBe('TypeError');
    expect(crash.message).toContain('boom');
    expect(crash.message).toContain('h1');
    const output = (await a.request('outputFail', {}).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(output.message).toBe('the program exited (exit 1); its output: (on host h1)\nline one\nline two');
    const unknown = (await a.request('nope', {}).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(unknown.message).toContain('unknown host op "nope"');
  });

  it('shutdown closes tracked resources newest first, then the agent exits', async () => {
    const a = agent();
    const file = join(workdir, 'lifo.txt');
    for (const label of ['first', 'second', 'third']) await a.request('track', { file, label });
    const pid = a.pid!;
    expect(await a.shutdown()).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('third\nsecond\nfirst\n');
    expect(await waitGone(pid, 3000)).toBe(true);
    expect(await a.shutdown()).toEqual([]);
    await expect(a.request('echo', {})).rejects.toThrow(/shut down/);
  });

  it('kills an agent whose shutdown hangs, after the timeout', async () => {
    const a = agent({ shutdownTimeoutMs: 300 });
    await a.request('stuck', {});
    const pid = a.pid!;
    const errors = await a.shutdown();
    expect(errors.map((e) => e.message).join()).toMatch(/did not stop.*killed/);
    expect(await waitGone(pid, 3000)).toBe(true);
  });

  it('an agent exits when its controller dies (SIGKILL)', async () => {
    const parent = spawn(process.execPath, [new URL('./orphan-parent.mjs', import.meta.url).pathname, workdir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        parent.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(Number(out.trim()));
        });
        parent.on('exit', () => reject(new Error('parent exited early')));
      });
      expect(alive(pid)).toBe(true);
      parent.kill('SIGKILL');
      expect(await waitGone(pid, 5000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
