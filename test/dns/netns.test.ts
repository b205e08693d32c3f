/**
 * The DNS ops on hosts in network namespaces (prefix wlt3-): the fixture started by `dnsServe`
 * on every address of its host, asked by `resolve` and by dig from another namespace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRoot } from '../helpers/root.js';
import { AgentHost } from '../../src/hosts/remote.js';
import { parseDig } from './peers.js';

const NS = { srv: 'wlt3-dns-srv', cli: 'wlt3-dns-cli' };
const sh = (args: string[]) => execFileSync(args[0], args.slice(1), { encoding: 'utf8', timeout: 30_000 });
const inNs = (ns: string, args: string[]) => sh(['ip', 'netns', 'exec', ns, ...args]);
const agentPath = new URL('./dns-agent.mjs', import.meta.url).pathname;
const workdir = mkdtempSync(join(tmpdir(), 'wlt3-netns-'));
let srv: AgentHost, cli: AgentHost;

function destroy() {
  for (const ns of Object.values(NS)) {
    if (existsSync(`/run/netns/${ns}`)) sh(['ip', 'netns', 'del', ns]);
  }
}

beforeAll(() => {
  destroy();
  for (const ns of Object.values(NS)) {
    sh(['ip', 'netns', 'add', ns]);
    inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
  }
  sh(['ip', 'link', 'add', 'wlt3c0', 'netns', NS.cli, 'type', 'veth', 'peer', 'name', 'wlt3s0', 'netns', NS.srv]);
  inNs(NS.cli, ['ip', 'addr', 'add', '203.0.113.2/24', 'dev', 'wlt3c0']);
  inNs(NS.cli, ['ip', 'addr', 'add', '198.51.100.2/24', 'dev', 'wlt3c0']);
  inNs(NS.srv, ['ip', 'addr', 'add', '203.0.113.53/24', 'dev', 'wlt3s0']);
  inNs(NS.srv, ['ip', 'addr', 'add', '198.51.100.53/24', 'dev', 'wlt3s0']);
  // the server's IPv6 address goes through duplicate address detection (tentative at first)
  inNs(NS.cli, ['ip', 'addr', 'add', '2001:db8::2/64', 'dev', 'wlt3c0', 'nodad']);
  inNs(NS.srv, ['ip', 'addr', 'add', '2001:db8::53/64', 'dev', 'wlt3s0']);
  for (const [ns, dev] of [
    [NS.cli, 'wlt3c0'],
    [NS.srv, 'wlt3s0'],
  ])
    inNs(ns, ['ip', 'link', 'set', dev, 'up']);
  srv = new AgentHost('server', { netns: NS.srv, workdir, agentPath });
  cli = new AgentHost('client', { netns: NS.cli, workdir, agentPath });
});

afterAll(async () => {
  await cli?.shutdown();
  await srv?.shutdown();
  destroy();
});

describeRoot('DNS between namespaces', () => {
  it('serves on every address of its host and answers resolve and dig from another namespace', async () => {
    const zone = { origin: 'lab.example', records: [{ name: 'echo', type: 'A', value: '203.0.113.10' }] };
    const started = (await srv.call('dnsServe' as never, { zone, port: 0 })) as { id: string; addresses: string[]; port: number };
    expect(started.addresses).toEqual(expect.arrayContaining(['127.0.0.1', '203.0.113.53', '198.51.100.53', '2001:db8::53']));
    for (const server of ['203.0.113.53', '198.51.100.53', '2001:db8::53']) {
      const r = (await cli.call('resolve' as never, {
        name: 'echo.lab.example',
        server: `[${server}]:${started.port}`,
        allow: ['203.0.113.0/24', '198.51.100.0/24', '2001:db8::/64'],
        timeoutMs: 2000,
      })) as {
        rcode: string;
        answers: Record<string, string[]>;
      };
      expect([server, r.rcode, r.answers]).toEqual([server, 'NOERROR', { A: ['203.0.113.10'], AAAA: [] }]);
      // dig checks that the reply comes from the address it asked
      for (const flags of [[], ['+tcp']]) {
        const d = parseDig(
          inNs(NS.cli, ['dig', `@${server}`, '-p', String(started.port), '+tries=1', '+time=2', ...flags, 'echo.lab.example', 'A']),
        );
        expect([server, flags.join(''), d.status, d.answers.map((a) => a.data)]).toEqual([
          server,
          flags.join(''),
          'NOERROR',
          ['203.0.113.10'],
        ]);
      }
    }
    const log = (await srv.call('dnsTransactions' as never, { id: started.id })) as {
      transactions: { client: { address: string }; transport: string }[];
    };
    expect(log.transactions.map((t) => `${t.transport} ${t.client.address}`)).toEqual([
      'udp 203.0.113.2',
      'udp 203.0.113.2',
      'udp 203.0.113.2',
      'tcp 203.0.113.2',
      'udp 198.51.100.2',
      'udp 198.51.100.2',
      'udp 198.51.100.2',
      'tcp 198.51.100.2',
      'udp 2001:db8::2',
      'udp 2001:db8::2',
      'udp 2001:db8::2',
      'tcp 2001:db8::2',
    ]);
  });

  it('refuses to resolve against a server outside loopback and the allowed subnets', async () => {
    await expect(cli.call('resolve' as never, { name: 'echo.lab.example', server: '203.0.113.53:53' })).rejects.toThrow(/refusing/);
  });
});
