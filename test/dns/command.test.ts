/** `wirelab resolve` through commander, its text compared with real nslookup against the same server. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/commands/resolve.js';
import { startDnsServer, type DnsServer } from '../../src/dns/server.js';
import { LAB_ZONE, SEED_ZONES } from './lab-zone.js';
import { nslookup, startDnsmasq } from './peers.js';

const ADDR = '127.3.4.1';
let server: DnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zones: [LAB_ZONE, ...SEED_ZONES], address: ADDR, port: 0 });
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  process.exitCode = undefined;
  delete process.env.WIRELAB_RESOLV_CONF;
});

/** Runs `wirelab resolve ARGS` in-process; returns stdout, stderr and the exit code. */
async function wirelabResolve(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '',
    stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync(['resolve', ...args], { from: 'user' });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, code };
}

describe('wirelab resolve', () => {
  it('prints what nslookup prints for the same questions', async () => {
    const srv = `${ADDR}:${server.port}`;
    const cases: [string[], string[]][] = [
      [['www.lab.example'], ['www.lab.example']],
      [['v4only.lab.example'], ['v4only.lab.example']],
      [
        ['--type', 'AAAA', 'v4only.lab.example'],
        ['-type=AAAA', 'v4only.lab.example'],
      ],
      [
        ['--type', 'MX', 'lab.example'],
        ['-type=MX', 'lab.example'],
      ],
      [
        ['--type', 'TXT', 'lab.example'],
        ['-type=TXT', 'lab.example'],
      ],
      [
        ['--type', 'NS', 'lab.example'],
        ['-type=NS', 'lab.example'],
      ],
      [
        ['--type', 'SOA', 'lab.example'],
        ['-type=SOA', 'lab.example'],
      ],
      [['nope.lab.example'], ['nope.lab.example']],
      [['example.com'], ['example.com']],
      [['203.0.113.10'], ['203.0.113.10']],
    ];
    for (const [ours, theirs] of cases) {
      const a = await wirelabResolve([...ours, '--server', srv]);
      const b = await nslookup(ADDR, server.port, theirs);
      expect(a.stdout, ours.join(' ')).toBe(b.stdout);
      expect(a.code, ours.join(' ')).toBe(b.code === 0 ? 0 : 1);
    }
  });

  it('prints "Non-authoritative answer:" as nslookup does, via a forwarding dnsmasq answering from its cache', async () => {
    // like the seed's home router: dnsmasq forwards to the lab's authoritative server and caches
    const masq = await startDnsmasq('127.3.4.53', 53531, [`--server=${ADDR}#${server.port}`]);
    const via = '127.3.4.53:53531';
    try {
      const cases: [string[], string[]][] = [
        [['www.lab.example'], ['www.lab.example']],
        [['v4only.lab.example'], ['v4only.lab.example']],
        [
          ['--type', 'MX', 'lab.example'],
          ['-type=MX', 'lab.example'],
        ],
        [
          ['--type', 'AAAA', 'v4only.lab.example'],
          ['-type=AAAA', 'v4only.lab.example'],
        ],
        [['nope.lab.example'], ['nope.lab.example']],
      ];
      // the first answer passes the fixture's AA through; later ones come from the cache, without AA
      for (const [ours] of cases) await wirelabResolve([...ours, '--server', via]);
      for (const [ours, theirs] of cases) {
        const a = await wirelabResolve([...ours, '--server', via]);
        const b = await nslookup('127.3.4.53', 53531, theirs);
        expect(a.stdout, ours.join(' ')).toBe(b.stdout);
      }
      expect((await wirelabResolve(['www.lab.example', '--server', via])).stdout).toContain(
        '\nNon-authoritative answer:\nwww.lab.example\tcanonical name = echo.lab.example.\n',
      );
    } finally {
      await masq.stop();
    }
  });

  it('--json gives every transaction, ids from --first-id', async () => {
    const r = await wirelabResolve([
      'compeng.example',
      '--search',
      'home',
      '--ndots',
      '2',
      '--server',
      `${ADDR}:${server.port}`,
      '--first-id',
      '2',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(
      j.transactions.map(
        (t: { id: number; question: { type: string; name: string }; rcode: string }) =>
          `${t.id} ${t.question.type} ${t.question.name} ${t.rcode}`,
      ),
    ).toEqual([
      '2 A compeng.example.home NXDOMAIN',
      '3 AAAA compeng.example.home NXDOMAIN',
      '4 A compeng.example NOERROR',
      '5 AAAA compeng.example NOERROR',
    ]);
    expect(j.answers).toEqual({ A: ['203.0.113.223'], AAAA: [] });
  });

  it('refuses without --server unless WIRELAB_RESOLV_CONF names a file, and then uses it', async () => {
    const r = await wirelabResolve(['echo.lab.example']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no DNS server given: pass --server/);
    expect(r.stderr).toMatch(/never asks the system resolver/);
    const dir = mkdtempSync(join(tmpdir(), 'wlt3-'));
    writeFileSync(join(dir, 'resolv.conf'), `# lab\nsearch home lab.example\nnameserver ${ADDR}:${server.port}\noptions ndots:1\n`);
    process.env.WIRELAB_RESOLV_CONF = join(dir, 'resolv.conf');
    const ok = await wirelabResolve(['echo', '--type', 'A', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).transactions.map((t: { question: { name: string } }) => t.question.name)).toEqual([
      'echo.home',
      'echo.lab.example',
    ]);
  });

  it('refuses a server outside loopback unless allowed, and bad flags', async () => {
    const far = await wirelabResolve(['a.test', '--server', '192.0.2.53']);
    expect([far.code, /refusing/.test(far.stderr)]).toEqual([2, true]);
    expect((await wirelabResolve(['a.test', '--server', 'ns.example'])).code).toBe(2);
    expect((await wirelabResolve(['a.test', '--server', ADDR, '--type', 'HINFO'])).code).toBe(2);
  });
});
