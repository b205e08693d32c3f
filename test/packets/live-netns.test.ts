/**
 * Capture inside a network namespace on a veth, with the native engine (and its counters) and
 * the `cap` fallback. Both capture in the calling process's namespace (the native thread too),
 * so the capturer is a small node script run with `ip netns exec`; it imports
 * live.ts compiled into a temp dir (tsc on just that module and its imports), so the test does
 * not depend on anyone else's build. Namespaces: wlt2-<pid>-a / -b, 198.51.100.0/24.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRoot } from '../helpers/root.js';
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeFile } from '../../src/packets/file/decode-file.js';
import { matchPackets, parsePattern } from '../../src/packets/pattern/index.js';
import { complaints, run, tsharkList } from './live-helpers.js';
const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'wlt2-netns-'));
const A = `wlt2-${process.pid}-a`;
const B = `wlt2-${process.pid}-b`;
const VA = `wlt2a${process.pid % 100000}`;
const VB = `wlt2b${process.pid % 100000}`;

const ip = (...args: string[]) => run('ip', args, { timeout: 10_000 });

const script = `
import { startCapture } from './packets/capture/live.js';
import { spawnSync } from 'node:child_process';
const [engine, device, file, filter, ...cmd] = process.argv.slice(2);
const c = await startCapture({ device, file, filter, engine });
const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'ignore', timeout: 10000 });
const res = await c.stop();
console.log(JSON.stringify({ ...res, status: r.status }));
`;

const permScript = `
import { startCapture } from './packets/capture/live.js';
import { nativeCaptureError } from './packets/capture/native.js';
const native = nativeCaptureError() ?? 'loaded';
try {
  await startCapture({ device: 'lo', file: '/dev/null' });
  console.log(JSON.stringify({ opened: true, native }));
} catch (e) {
  console.log(JSON.stringify({ name: e.name, exitCode: e.exitCode, message: e.message, native }));
}
`;

async function captureIn(ns: string, device: string, file: string, filter: string, cmd: string[], engine: 'native' | 'cap' = 'native') {
  // the copy of live.ts loads the native module from the checkout's build
  const env = { ...process.env, WIRELAB_CAPTURE_MODULE: join(root, 'native/build/Release/wirelab_capture.node') };
  const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, join(dir, 'run.mjs'), engine, device, file, filter, ...cmd], {
    timeout: 30_000,
    env,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    file: string;
    packets: number;
    linktype: number;
    status: number;
    engine: string;
    counters?: { captured: number; received: number; droppedByKernel: number; droppedByInterface: number };
  };
}

beforeAll(async () => {
  await run(
    'npx',
    [
      'tsc',
      '--outDir',
      dir,
      '--rootDir',
      join(root, 'src'),
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--skipLibCheck',
      '--types',
      'node',
      join(root, 'src/packets/capture/live.ts'),
    ],
    { cwd: root, timeout: 120_000 },
  );
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  // a copy of the one package it needs, not a link into the checkout: the unprivileged test
  // user must read it even where the checkout is private (a clone in a 0700 temp dir)
  cpSync(join(root, 'node_modules', 'cap'), join(dir, 'node_modules', 'cap'), { recursive: true });
  cpSync(join(root, 'native/build/Release/wirelab_capture.node'), join(dir, 'native', 'wirelab_capture.node'));
  await run('chmod', ['-R', 'a+rX', dir]);
  writeFileSync(join(dir, 'run.mjs'), script);
  writeFileSync(join(dir, 'perm.mjs'), permScript);
  chmodSync(dir, 0o755);
  await ip('netns', 'add', A);
  await ip('netns', 'add', B);
  await ip('link', 'add', VA, 'netns', A, 'type', 'veth', 'peer', 'name', VB, 'netns', B);
  await ip('-n', A, 'addr', 'add', '198.51.100.1/24', 'dev', VA);
  await ip('-n', B, 'addr', 'add', '198.51.100.2/24', 'dev', VB);
  for (const [ns, dev] of [
    [A, VA],
    [B, VB],
  ]) {
    await ip('-n', ns, 'link', 'set', dev, 'up');
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
}, 180_000);

afterAll(async () => {
  await ip('netns', 'del', A).catch(() => undefined);
  await ip('netns', 'del', B).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describeRoot('capture inside a namespace', () => {
  it('on the veth (Ethernet): every echo request and reply, readable by tshark, matching a pattern', async () => {
    const file = join(dir, 'veth.pcap');
    const r = await captureIn(A, VA, file, 'icmp', ['ping', '-n', '-c', '3', '-i', '0.2', '-W', '2', '198.51.100.2']);
    expect(r.status).toBe(0);
    expect(r.linktype).toBe(1);
    expect(r.packets).toBe(6);
    // on a veth each packet is seen once: received = captured
    expect(r.engine).toBe('native');
    expect(r.counters).toEqual({ captured: 6, received: 6, droppedByKernel: 0, droppedByInterface: 0 });
    const rows = await tsharkList(file);
    expect(rows.map((r) => r.slice(2, 5).join(' '))).toEqual([
      '198.51.100.1 198.51.100.2 ICMP',
      '198.51.100.2 198.51.100.1 ICMP',
      '198.51.100.1 198.51.100.2 ICMP',
      '198.51.100.2 198.51.100.1 ICMP',
      '198.51.100.1 198.51.100.2 ICMP',
      '198.51.100.2 198.51.100.1 ICMP',
    ]);
    const dec = await decodeFile(file);
    const parsed = parsePattern([
      'client > server ICMP echo-request',
      'server > client ICMP echo-reply',
      '...',
      'server > client ICMP echo-reply',
    ]);
    if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
    const m = matchPackets(parsed.pattern, dec.packets, { hosts: { client: ['198.51.100.1'], server: ['198.51.100.2'] } });
    expect(m.ok).toBe(true);
    expect(m.mapping).toEqual([[1], [2], [3, 4, 5], [6]]);
  });

  it('on "any" (Linux SLL) into pcapng, UDP to the other namespace', async () => {
    const file = join(dir, 'any.pcapng');
    const r = await captureIn(A, 'any', file, 'udp port 47400', [
      'bash',
      '-c',
      'for i in 1 2 3 4; do echo hi > /dev/udp/198.51.100.2/47400; done',
    ]);
    expect(r.linktype).toBe(113);
    expect(r.packets).toBe(4);
    expect(r.counters).toMatchObject({ captured: 4, droppedByKernel: 0 });
    const { stdout, stderr } = await run('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'sll.pkttype', '-e', 'udp.dstport']);
    expect(complaints(stderr)).toEqual([]);
    expect(stdout.trim().split('\n')).toEqual(Array(4).fill('4\t47400'));
  });
});

describeRoot('the cap fallback inside a namespace', () => {
  it('captures the same packets, says it ran, and gives no counters', async () => {
    const file = join(dir, 'cap.pcap');
    const r = await captureIn(A, VA, file, 'icmp', ['ping', '-n', '-c', '2', '-i', '0.2', '-W', '2', '198.51.100.2'], 'cap');
    expect(r.engine).toBe('cap');
    expect(r.packets).toBe(4);
    expect(r.counters).toBeUndefined();
    expect(await tsharkList(file)).toHaveLength(4);
  });
});

describeRoot('capture without privileges', () => {
  for (const engine of ['native', 'cap'] as const) {
    it(`an unprivileged user gets an EnvironmentError with the fix (${engine} engine)`, async () => {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...(engine === 'native'
          ? { WIRELAB_CAPTURE_MODULE: join(dir, 'native', 'wirelab_capture.node') }
          : { WIRELAB_CAPTURE_ENGINE: 'cap' }),
      };
      const { stdout } = await run(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, join(dir, 'perm.mjs')],
        { timeout: 30_000, env },
      ).catch((e) => {
        throw new Error(`${e.message} code=${e.code} signal=${e.signal} out=${e.stdout} err=${e.stderr}`);
      });
      const r = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(r).toMatchObject({ name: 'EnvironmentError', exitCode: 3 });
      expect(r.message).toMatch(/needs root or CAP_NET_RAW/);
      expect(r.message).toMatch(/fix: .*setcap cap_net_raw,cap_net_admin\+eip/);
      expect(r.native).toBe(engine === 'native' ? 'loaded' : 'WIRELAB_CAPTURE_ENGINE=cap');
    });
  }
});
