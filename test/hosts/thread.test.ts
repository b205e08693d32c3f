// Host threads (src/hosts/thread.ts): a worker thread of the run's process inside a host's
// namespaces serves the same ops as an agent process, and a program it starts sees the same
// network, /sys, resolv.conf and hosts file as one started by `ip netns exec`. Needs root.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ExecResult } from '../../src/exec/exec.js';
import type { Host } from '../../src/hosts/host.js';
import { ThreadHost } from '../../src/hosts/thread.js';
import { defaultHostMode } from '../../src/topology/index.js';
import type { Topology as TopologySpec } from '../../src/generated/scenario.js';
import { build, cleanupAll, leftovers, teardown, until } from '../topology/netns-helper.js';
import { alive } from '../helpers/process.js';

const execFileP = promisify(execFile);
const root = process.getuid?.() === 0;

const model: TopologySpec = {
  hosts: {
    client: { ip: ['198.51.100.55/24', '2001:db8:1::55/64'], gateway: 'r1', resolver: { nameserver: '198.51.100.1', search: ['home'] } },
    r1: { ip: ['198.51.100.1/24', '2001:db8:1::1/64', '203.0.113.1/24'], forward: true },
    server: { ip: '203.0.113.10/24', gateway: 'r1', mtu: 1492 },
  },
};

const run = (h: Host, cmd: string): Promise<ExecResult> => h.call('exec', { run: ['sh', '-c', cmd], timeoutMs: 10_000 });
const pidsIn = async (netns: string) => (await execFileP('ip', ['netns', 'pids', netns])).stdout.split('\n').filter(Boolean).map(Number);

afterEach(async () => {
  await cleanupAll();
  expect(await leftovers()).toEqual([]);
});
afterAll(cleanupAll);

describe.skipIf(!root)('host threads', () => {
  it('are the default where the native module can enter a namespace (WIRELAB_HOSTS=process opts out)', () => {
    expect(defaultHostMode({})).toBe('thread');
    expect(defaultHostMode({ WIRELAB_HOSTS: 'process' })).toBe('process');
  });

  it('give a program the view `ip netns exec` gives it: addresses, routes, /sys, resolv.conf, MTU', async () => {
    const probe = 'ip -br addr show eth0; ip route show default; ls /sys/class/net; cat /etc/resolv.conf; cat /sys/class/net/eth0/mtu';
    const views: Record<string, string[]> = {};
    for (const mode of ['thread', 'process'] as const) {
      const t = await build(model, { hosts: mode });
      expect(t.host('client')).toBeInstanceOf(mode === 'thread' ? ThreadHost : Object);
      const viaIp = (await execFileP('ip', ['netns', 'exec', t.hosts.get('client')!.netns, 'sh', '-c', probe])).stdout;
      views[mode] = [];
      for (const h of ['client', 'server']) {
        const r = await run(t.host(h), probe);
        expect(r.exitCode, r.stderr).toBe(0);
        views[mode].push(r.stdout.replaceAll(t.runId, 'RUN').replace(/fe80::[0-9a-f:]+/g, 'fe80::LL'));
      }
      expect(views[mode][0]).toBe(viaIp.replaceAll(t.runId, 'RUN').replace(/fe80::[0-9a-f:]+/g, 'fe80::LL'));
      expect(views[mode][0]).toContain('198.51.100.55/24');
      expect(views[mode][0]).toContain('nameserver 198.51.100.1');
      expect(views[mode][1]).toMatch(/1492\n$/);
      await teardown(t);
    }
    expect(views.thread).toEqual(views.process);
  });

  it('serve sockets from the host namespace without a process of their own there', async () => {
    const t = await build(model, { hosts: 'thread' });
    const server = t.host('server');
    const client = t.host('client');
    const echo = await server.call('fixtureStart', { kind: 'echo', address: '0.0.0.0', port: 50007, banner: 'hi\n' });
    expect(echo.port).toBe(50007);
    const c = await client.call('connOpen', { address: '203.0.113.10', port: 50007, timeoutMs: 5000 });
    expect(c.outcome).toBe('open');
    expect(c.local).toMatch(/^198\.51\.100\.55:/);
    const banner = await client.call('connRead', { id: c.id!, until: { mode: 'line' }, timeoutMs: 5000 });
    expect(Buffer.from(banner.data, 'base64').toString()).toBe('hi\n');
    // the echo server and the connection are sockets of this process's threads: no agent process
    expect(await pidsIn(t.hosts.get('server')!.netns)).toEqual([]);
    expect(await pidsIn(t.hosts.get('client')!.netns)).toEqual([]);
    // and the server's port is not this machine's
    const { stdout } = await execFileP('ss', ['-Hltn', 'sport = :50007']);
    expect(stdout.trim()).toBe('');
    await teardown(t);
  });

  it("teardown ends a program a host left running, and the program's namespace was the host's", async () => {
    const t = await build(model, { hosts: 'thread' });
    const ns = t.hosts.get('client')!.netns;
    // a daemon that double-forks away from the exec's process group
    const r = await run(
      t.host('client'),
      'setsid sh -c "sleep 300 & echo \\$! > /dev/null" </dev/null >/dev/null 2>&1 & sleep 0.2; echo started',
    );
    expect(r.stdout).toContain('started');
    expect(await until(async () => (await pidsIn(ns)).length > 0)).toBe(true);
    const left = await pidsIn(ns);
    await teardown(t);
    for (const pid of left) expect(await until(() => !alive(pid)), `pid ${pid} still running`).toBe(true);
  });
});
