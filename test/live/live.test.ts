/**
 * Live labs end to end through the CLI: `up` → `ls` → `exec` (hostname, addresses, the lab's
 * servers, exit codes) and `shell` (driven on stdin; `script` gives it its pty) → recordings
 * that parse as asciicast v2 → `down` leaving no namespace, process, mount or state file; a
 * lab's time to live; `cleanup` after its supervisor was killed. Each test has its own state
 * directory (WIRELAB_STATE_DIR) and lab names starting with `wltlive`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect } from 'vitest';
import { BIN, wirelab } from '../helpers/cli.js';
import { describeRoot, itRoot } from '../helpers/root.js';
import { alive } from '../helpers/process.js';
import { parseCast } from '../../src/util/asciicast.js';
import type { LabState } from '../../src/generated/lab-state.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'live-lab.yaml');
const root = mkdtempSync(join(tmpdir(), 'wltlive-'));
const env = { WIRELAB_STATE_DIR: join(root, 'state') };

afterAll(async () => {
  await wirelab(['down', '--all'], { env, timeout: 90_000 });
  await wirelab(['cleanup'], { env, timeout: 60_000 });
  rmSync(root, { recursive: true, force: true });
});

const cli = (args: string[], timeout = 90_000) => wirelab(args, { env, cwd: root, timeout });

async function up(name: string, extra: string[] = []): Promise<LabState> {
  const r = await cli(['up', FIXTURE, '--name', name, '--dir', join(root, name), '--json', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as LabState;
}

function netnsList(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0]);
}

function pidsIn(netns: string): number[] {
  return spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
}

/** Nothing of the lab is left: namespaces, processes, lab files, state files, mounts naming them. */
function expectGone(lab: LabState, pids: number[]): void {
  const names = new Set(netnsList());
  for (const h of lab.hosts) expect(names.has(h.netns), h.netns).toBe(false);
  for (const p of [lab.pid, ...pids]) expect(alive(p), `pid ${p}`).toBe(false);
  expect(existsSync(join(env.WIRELAB_STATE_DIR, 'labs', `${lab.name}.json`))).toBe(false);
  expect(existsSync(join(env.WIRELAB_STATE_DIR, 'labs', lab.name))).toBe(false);
  expect(lab.runId).toMatch(/^[0-9a-f]{6}$/);
  expect(existsSync(join(env.WIRELAB_STATE_DIR, `${lab.runId}.json`))).toBe(false);
  expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.runId ?? 'no run id');
  expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(root);
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return cond();
}

describeRoot('live labs', () => {
  itRoot(
    'up, ls, exec and shell inside a host, recordings, then down leaves nothing behind',
    async () => {
      const lab = await up('wltlive1');
      expect(lab.status).toBe('up');
      expect(lab.hosts.map((h) => h.name)).toEqual(['client', 'r1', 'server']);
      expect(lab.servers.map((s) => `${s.name} ${s.host} ${s.address}:${s.port}`)).toEqual([
        'echo server 203.0.113.10:50007',
        'web server 203.0.113.10:8080',
      ]);
      const ls = await cli(['ls']);
      expect(ls.exitCode).toBe(0);
      expect(ls.stdout).toMatch(/^wltlive1\s+up\s+live-lab\s+client,r1,server\s/m);

      // one command at a time: the host's name, addresses, resolver and hosts file
      const id = await cli([
        'exec',
        'client',
        '--lab',
        'wltlive1',
        '--',
        'sh',
        '-c',
        'hostname; ip -br addr show eth0; cat /etc/resolv.conf /etc/hosts',
      ]);
      expect(id.exitCode).toBe(0);
      expect(id.stdout).toMatch(/^client\n/);
      expect(id.stdout).toMatch(/eth0\S*\s+UP\s+198\.51\.100\.55\/24/);
      expect(id.stdout).toMatch(/^nameserver 198\.51\.100\.1$/m);
      expect(id.stdout).toMatch(/^search home$/m);
      expect(id.stdout).toMatch(/^203\.0\.113\.10\tserver$/m);
      // the lab's echo server answers ncat through the router; `later` was not started; exit codes pass through
      const banner = await cli([
        'exec',
        'client',
        '--lab',
        'wltlive1',
        '--',
        'sh',
        '-c',
        'printf "Ada\\r\\n" | ncat --crlf -w 3 server 50007',
      ]);
      expect(banner.stdout).toBe('Welcome to the live lab!\nAda'); // (execa drops the last newline)
      const later = await cli(['exec', 'client', '--lab', 'wltlive1', '--', 'ncat', '-w', '3', '-z', '203.0.113.10', '50009']);
      expect(later.exitCode).toBe(1);
      const web = await cli([
        'exec',
        'client',
        '--lab',
        'wltlive1',
        '--',
        'curl',
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        'http://203.0.113.10:8080/',
      ]);
      expect(web.stdout).toBe('200');
      const code = await cli(['exec', 'server', '--lab', 'wltlive1', '--', 'sh', '-c', 'echo to-stderr >&2; exit 7']);
      expect(code.exitCode).toBe(7);
      expect(code.stderr).toBe('to-stderr');
      const badHost = await cli(['exec', 'nosuch', '--lab', 'wltlive1', '--', 'true']);
      expect(badHost.exitCode).toBe(2);
      expect(badHost.stderr).toContain('has no host "nosuch" (hosts: client, r1, server)');

      // a shell, driven on stdin (script gives it a pseudo-terminal)
      const sh = await execa(process.execPath, [BIN, 'shell', 'client', '--lab', 'wltlive1'], {
        env: { ...env, NO_COLOR: '1' },
        cwd: root,
        input: 'hostname\ngetent hosts server\nexit 3\n',
        reject: false,
        timeout: 60_000,
      });
      expect(sh.exitCode).toBe(3);
      expect(sh.stdout).toContain('[wltlive1 client] ');
      expect(sh.stdout).toMatch(/\rclient\r\n/);
      expect(sh.stdout).toMatch(/203\.0\.113\.10\s+server/);

      // every session is recorded, and every recording parses
      const dir = join(root, 'wltlive1', 'sessions');
      const casts = readdirSync(dir).sort();
      expect(casts.filter((f) => f.includes('-exec-')).length).toBe(5); // the unknown host's was refused before it started
      const shells = casts.filter((f) => f.includes('-shell-client-'));
      expect(shells.length).toBe(1);
      expect(casts.every((f) => f.endsWith('.cast'))).toBe(true);
      const shellCast = parseCast(readFileSync(join(dir, shells[0]), 'utf8'));
      expect(shellCast.header).toMatchObject({ version: 2, title: 'wltlive1 client' });
      expect(
        shellCast.events
          .filter((e) => e[1] === 'i')
          .map((e) => e[2])
          .join(''),
      ).toBe('hostname\ngetent hosts server\nexit 3\n');
      expect(
        shellCast.events
          .filter((e) => e[1] === 'o')
          .map((e) => e[2])
          .join(''),
      ).toMatch(/\[wltlive1 client\] .*\rclient\r\n/s);
      const execCast = casts.filter((f) => f.includes('-exec-client-')).map((f) => parseCast(readFileSync(join(dir, f), 'utf8')));
      expect(execCast.some((c) => c.events.map((e) => e[2]).join('') === 'Welcome to the live lab!\r\nAda\r\n')).toBe(true);

      // down: every process inside (the http.server, a session left running) ends with it
      const server = lab.hosts.find((h) => h.name === 'server')!;
      const inside = pidsIn(server.netns);
      expect(inside.length).toBeGreaterThan(0);
      const bg = execa(process.execPath, [BIN, 'exec', 'client', '--lab', 'wltlive1', '--', 'sleep', '300'], {
        env,
        reject: false,
        timeout: 60_000,
      });
      const client = lab.hosts.find((h) => h.name === 'client')!;
      expect(await waitFor(() => pidsIn(client.netns).length > 0, 20_000)).toBe(true);
      const sleeper = pidsIn(client.netns);
      const down = await cli(['down', 'wltlive1']);
      expect(down.stderr).toBe('');
      expect(down.exitCode).toBe(0);
      expect(down.stdout).toBe('lab wltlive1 is down');
      await bg;
      expectGone(lab, [...inside, ...sleeper]);
      expect((await cli(['ls'])).stdout).toBe('no live labs');
    },
    240_000,
  );

  itRoot(
    'takes itself down when its time to live is over',
    async () => {
      const lab = await up('wltlive2', ['--ttl', '3s']);
      expect(Date.parse(lab.expiresAt) - Date.parse(lab.upAt!)).toBe(3000);
      expect(await waitFor(() => !alive(lab.pid), 60_000)).toBe(true);
      expectGone(lab, []);
    },
    120_000,
  );

  itRoot(
    'cleanup removes a lab whose supervisor was killed, and leaves a live one',
    async () => {
      const lab = await up('wltlive3');
      const keep = await up('wltlive4');
      const bg = execa(process.execPath, [BIN, 'exec', 'client', '--lab', 'wltlive3', '--', 'sleep', '300'], {
        env,
        reject: false,
        timeout: 60_000,
      });
      const client = lab.hosts.find((h) => h.name === 'client')!;
      expect(await waitFor(() => pidsIn(client.netns).length > 0, 20_000)).toBe(true);
      const inside = [...pidsIn(client.netns), ...pidsIn(lab.hosts.find((h) => h.name === 'server')!.netns)];
      process.kill(lab.pid, 'SIGKILL');
      expect(await waitFor(() => !alive(lab.pid), 10_000)).toBe(true);
      expect((await cli(['ls'])).stdout).toMatch(/^wltlive3\s+gone/m);
      const again = await cli(['up', FIXTURE, '--name', 'wltlive3', '--dir', join(root, 'wltlive3')]);
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toContain('was left behind by a supervisor that is gone');
      const c = await cli(['cleanup']);
      expect(c.exitCode).toBe(0);
      expect(c.stdout).toContain('removed lab wltlive3');
      expect(c.stdout).toContain('left wltlive4: lab wltlive4 is up');
      await bg;
      const names = new Set(netnsList());
      for (const h of lab.hosts) expect(names.has(h.netns)).toBe(false);
      for (const p of inside) expect(alive(p), `pid ${p}`).toBe(false);
      for (const h of keep.hosts) expect(names.has(h.netns)).toBe(true);
      expect((await cli(['down', 'wltlive4'])).exitCode).toBe(0);
      expectGone(keep, []);
      expect(existsSync(join(env.WIRELAB_STATE_DIR, 'labs', 'wltlive3.json'))).toBe(false);
    },
    240_000,
  );
});
