import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, expect, it } from 'vitest';
import { describeRoot } from '../helpers/root.js';
import { EnvironmentError } from '../../src/errors.js';
import { AgentHost } from '../../src/hosts/remote.js';
import { cleanupRuns } from '../../src/topology/cleanup.js';
import { TopologyHostSet } from '../../src/topology/host-set.js';
import type { Topology as TopologySpec } from '../../src/generated/scenario.js';
import { build, cleanupAll, leftovers, myRuns, nsRun, nsSpawn, teardown, until, workdir } from './netns-helper.js';

const chainModel = (silent: boolean): TopologySpec => ({
  hosts: {
    client: { ip: '198.51.100.55/24', gateway: 'r1' },
    r1: { ip: ['198.51.100.1/24', '192.0.2.1/30'], forward: true },
    r2: { ip: ['192.0.2.2/30', '192.0.2.5/30'], forward: true, ...(silent ? { icmp: 'silent' as const } : {}) },
    r3: { ip: ['192.0.2.6/30', '192.0.2.9/30'], forward: true },
    r4: { ip: ['192.0.2.10/30', '203.0.113.1/24'], forward: true },
    server: { ip: '203.0.113.10/24' },
  },
});

const hopAddresses = (out: string) =>
  out
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/)[1]);

const isRoot = process.getuid?.() === 0;

afterEach(async () => {
  if (!isRoot) return;
  await cleanupAll();
  expect(await leftovers()).toEqual([]);
});
afterAll(cleanupAll);

describeRoot('topologies in network namespaces', () => {
  it('two hosts reach each other both ways, over IPv4 and IPv6', async () => {
    const t = await build({
      networks: { lan: { subnet: '198.51.100.0/24', subnet6: '2001:db8:1::/64' } },
      hosts: { a: { ip: ['198.51.100.2/24', '2001:db8:1::2/64'] }, b: { ip: ['198.51.100.3/24', '2001:db8:1::3/64'] } },
    });
    expect(await nsRun(t, 'a', ['ping', '-c1', '-W1', '-n', '198.51.100.3'])).toContain('1 received');
    expect(await nsRun(t, 'b', ['ping', '-c1', '-W1', '-n', '198.51.100.2'])).toContain('1 received');
    expect(await nsRun(t, 'a', ['ping', '-6', '-c1', '-W3', '-n', '2001:db8:1::3'])).toContain('1 received');
    expect(t.resolveTarget('b')).toBe('198.51.100.3');
    expect(t.resolveTarget('b', 6)).toBe('2001:db8:1::3');
    expect(t.allowedTargets).toEqual(['198.51.100.0/24', '2001:db8:1::/64']);
    await teardown(t);
  });

  it('dual stack through a router: computed IPv6 routes and the gateway for both families', async () => {
    const t = await build({
      networks: {
        lan1: { subnet: '198.51.100.0/24', subnet6: '2001:db8:1::/64' },
        lan2: { subnet: '203.0.113.0/24', subnet6: '2001:db8:2::/64' },
      },
      hosts: {
        client: { ip: ['198.51.100.55/24', '2001:db8:1::55/64'], gateway: 'r' },
        r: { ip: ['198.51.100.1/24', '2001:db8:1::1/64', '203.0.113.1/24', '2001:db8:2::1/64'], forward: true },
        server: { ip: ['203.0.113.10/24', '2001:db8:2::10/64'] },
      },
    });
    expect(await nsRun(t, 'client', ['ip', '-6', 'route', 'show', 'default'])).toContain('via 2001:db8:1::1 dev eth0');
    expect(await nsRun(t, 'client', ['ping', '-6', '-c1', '-W3', '-n', '2001:db8:2::10'])).toContain('1 received');
    expect(await nsRun(t, 'server', ['ping', '-c1', '-W1', '-n', '198.51.100.55'])).toContain('1 received');
    expect(t.hostOf('2001:db8:2::10')).toBe('server');
    await teardown(t);
  });

  it('a chain of four routers: computed routes, traceroute shows the 5 hops', async () => {
    const t = await build(chainModel(false));
    expect(await nsRun(t, 'client', ['ping', '-c1', '-W1', '-n', '203.0.113.10'])).toContain('1 received');
    expect(await nsRun(t, 'server', ['ping', '-c1', '-W1', '-n', '198.51.100.55'])).toContain('1 received');
    const out = await nsRun(t, 'client', ['traceroute', '-n', '-q', '1', '-w', '1', '-m', '8', '203.0.113.10']);
    expect(hopAddresses(out)).toEqual(['198.51.100.1', '192.0.2.2', '192.0.2.6', '192.0.2.10', '203.0.113.10']);
    await teardown(t);
  });

  it('a silent router shows as * in traceroute, the others answer', async () => {
    const t = await build(chainModel(true));
    const out = await nsRun(t, 'client', ['traceroute', '-n', '-q', '1', '-w', '1', '-m', '8', '203.0.113.10']);
    expect(hopAddresses(out)).toEqual(['198.51.100.1', '*', '192.0.2.6', '192.0.2.10', '203.0.113.10']);
    expect(await nsRun(t, 'client', ['ping', '-c1', '-W1', '-n', '203.0.113.10'])).toContain('1 received');
    await teardown(t);
  });

  it('an interface MTU shows in ip link and in the MSS of the SYN/ACK', async () => {
    const t = await build({ hosts: { client: { ip: '198.51.100.55/24' }, server: { ip: { ip: '198.51.100.10/24', mtu: 1492 } } } });
    expect(await nsRun(t, 'server', ['ip', 'link', 'show', 'eth0'])).toMatch(/mtu 1492 /);
    nsSpawn(t, 'server', ['ncat', '-lk', '198.51.100.10', '50007']);
    const dump = nsSpawn(t, 'client', ['tcpdump', '-n', '-l', '-c', '1', '-i', 'eth0', 'tcp[13] == 18']);
    let out = '';
    let err = '';
    dump.stdout!.on('data', (d) => (out += d));
    dump.stderr!.on('data', (d) => (err += d));
    expect(await until(() => err.includes('listening on'))).toBe(true);
    expect(
      await until(
        async () =>
          await nsRun(t, 'client', ['ncat', '-z', '-w', '1', '198.51.100.10', '50007']).then(
            () => true,
            () => false,
          ),
        3000,
      ),
    ).toBe(true);
    expect(await until(() => out.includes('\n'))).toBe(true);
    expect(out).toMatch(/198\.51\.100\.10\.50007 > 198\.51\.100\.55\.\d+: Flags \[S\.\].*mss 1452/);
  });

  it('firewall: open, closed (reject) and filtered (drop) as nmap -sT and -sS see them', async () => {
    const t = await build({
      hosts: {
        client: { ip: '198.51.100.55/24', gateway: 'r' },
        r: { ip: ['198.51.100.1/24', '203.0.113.1/24'], forward: true },
        server: { ip: '203.0.113.10/24', firewall: { policy: 'drop', allow: ['tcp/50007', 'icmp'], reject: ['tcp/50009'] } },
      },
    });
    nsSpawn(t, 'server', ['ncat', '-lk', '203.0.113.10', '50007']);
    nsSpawn(t, 'server', ['ncat', '-lk', '203.0.113.10', '50008']);
    expect(await until(async () => (await nsRun(t, 'server', ['ss', '-ltn'])).includes(':50008'))).toBe(true);
    for (const scan of ['-sT', '-sS']) {
      const out = await nsRun(t, 'client', ['nmap', '-n', '-Pn', scan, '--max-retries', '1', '-p', '50007-50010', '203.0.113.10'], 30000);
      const states = Object.fromEntries([...out.matchAll(/^(\d+)\/tcp\s+(\S+)/gm)].map((m) => [m[1], m[2]]));
      expect(states, `${scan}\n${out}`).toEqual({ 50007: 'open', 50008: 'filtered', 50009: 'closed', 50010: 'filtered' });
    }
    expect(await nsRun(t, 'client', ['ping', '-c1', '-W1', '-n', '203.0.113.10'])).toContain('1 received');
  });

  it('writes each host resolv.conf where ip netns exec shows it, and removes it on teardown', async () => {
    const t = await build({
      hosts: {
        a: { ip: '192.0.2.1/24', resolver: { nameserver: '192.0.2.2', search: ['home', 'lab.example'], ndots: 2 } },
        b: { ip: '192.0.2.2/24' },
      },
    });
    expect(await nsRun(t, 'a', ['cat', '/etc/resolv.conf'])).toBe(
      '# written by wirelab\nnameserver 192.0.2.2\nsearch home lab.example\noptions ndots:2\n',
    );
    const dir = `/etc/netns/${t.hosts.get('a')!.netns}`;
    expect(existsSync(dir)).toBe(true);
    await teardown(t);
    expect(existsSync(dir)).toBe(false);
  });

  it('host agents run inside their namespace: real exec op and a test op table', async () => {
    const model: TopologySpec = { hosts: { a: { ip: '192.0.2.1/24' }, b: { ip: '192.0.2.2/24' } } };
    const set = new TopologyHostSet(await build(model));
    expect([...set.names]).toEqual(['a', 'b']);
    expect(set.addresses.get('b')).toEqual(['192.0.2.2']);
    expect(set.allowedTargets).toEqual(['192.0.2.0/24']);
    const r = await set.host('b').call('exec', { run: ['ip', '-br', 'addr', 'show', 'eth0'], timeoutMs: 5000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('192.0.2.2/24');
    await set.close();
    expect(await leftovers()).toEqual([]);

    const t2 = await build(model, { agentPath: new URL('../hosts/test-agent.mjs', import.meta.url).pathname });
    const agent = t2.host('a');
    if (!(agent instanceof AgentHost)) throw new Error('a topology host is served by an AgentHost');
    expect(await agent.request('addresses', {})).toEqual(expect.arrayContaining(['192.0.2.1']));
    expect(await agent.request('addresses', {})).not.toContain('198.51.100.55');
    const echo = (await agent.request('echo', {})) as { netns: string };
    expect(echo.netns).toBe(t2.hosts.get('a')!.netns);
    const pid = agent.pid;
    expect(pid).toBeTypeOf('number');
    await teardown(t2);
    expect(await until(() => !existsSync(`/proc/${pid}`))).toBe(true);
  });

  it('a run killed with SIGKILL leaves namespaces that cleanup removes (and only its own)', async () => {
    const child = spawn(process.execPath, [new URL('./killed-run.mjs', import.meta.url).pathname, workdir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const info = await new Promise<{ runId: string; namespaces: string[] }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(JSON.parse(out));
        });
        child.on('exit', (c) => reject(new Error(`builder exited (${c})`)));
      });
      myRuns.add(info.runId);
      child.kill('SIGKILL');
      await until(() => child.exitCode !== null || child.signalCode !== null);
      expect((await leftovers()).sort()).toEqual([...info.namespaces, `state ${info.runId}`].sort());
      // a live run of this process must survive the cleanup
      const live = await build({ hosts: { a: { ip: '192.0.2.1/24' }, b: { ip: '192.0.2.2/24' } } });
      const dry = await cleanupRuns({ dryRun: true });
      expect(dry.runs.find((r) => r.runId === info.runId)?.namespaces.sort()).toEqual([...info.namespaces].sort());
      expect(dry.runs.map((r) => r.runId)).not.toContain(live.runId);
      const report = await cleanupRuns();
      expect(report.errors).toEqual([]);
      expect(report.runs.map((r) => r.runId)).toContain(info.runId);
      expect((await leftovers()).sort()).toEqual(live.plan.namespaces.concat(`state ${live.runId}`).sort());
      expect(existsSync(`/etc/netns/wl-${info.runId}-a`)).toBe(false);
      await teardown(live);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('20 topologies built in parallel (10 at a time) do not collide', async () => {
    const ids = new Set<string>();
    const work = Array.from({ length: 20 }, (_, i) => i);
    let aborted = false;
    const worker = async () => {
      while (work.shift() !== undefined && !aborted) {
        try {
          const t = await build({
            hosts: { a: { ip: '192.0.2.1/24' }, b: { ip: '192.0.2.2/24', firewall: { policy: 'reject', allow: ['icmp'] } } },
          });
          ids.add(t.runId);
          expect(await nsRun(t, 'a', ['ping', '-c1', '-W1', '-n', '192.0.2.2'])).toContain('1 received');
          await teardown(t);
        } catch (e) {
          aborted = true;
          throw e;
        }
      }
    };
    const results = await Promise.allSettled(Array.from({ length: 10 }, worker));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    expect(ids.size).toBe(20);
  });

  it('links with delay need netem: EnvironmentError naming sch_netem, nothing left behind', async () => {
    const err = await build({
      hosts: { a: { ip: '192.0.2.1/24' }, b: { ip: '192.0.2.2/24' } },
      links: [{ between: ['a', 'b'], delay: '20ms' }],
    }).catch((e) => e);
    if (!(err instanceof EnvironmentError)) {
      // this kernel has netem after all: the link must then carry the delay
      expect(err.constructor.name).toBe('BuiltTopology');
      return;
    }
    expect(err.exitCode).toBe(3);
    // the link that needs it, the stage that failed on which link kind, and the kernel's own words
    expect(err.message).toMatch(
      /^the link a–b \(delay 20ms\) needs the netem qdisc on its veth ends, and this kernel refused it \(tc qdisc add … netem: .+\): the kernel lacks netem \(module sch_netem\)\n {2}fix: sudo modprobe sch_netem/,
    );
    expect(err.message).not.toMatch(/Unknown device type/);
    expect(err.fix).toContain('modprobe sch_netem');
  });
});
