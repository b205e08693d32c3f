import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRoot } from '../helpers/root.js';
import { spawnDetached } from '../../src/exec/process.js';
import { commandLine } from '../../src/util/command-line.js';
import { DEFAULT_LIMITS, sandboxFromEnv, SANDBOX_ENV } from '../../src/sandbox/limits.js';
import { processesOf, reapUser } from '../../src/sandbox/reap.js';
import { claimSlots } from '../../src/sandbox/slots.js';
import { ensureSlotUsers, slotUser, userId } from '../../src/sandbox/users.js';
import { sandboxApplies, sandboxCommand, sandboxWrapper } from '../../src/sandbox/wrap.js';

const dirs: string[] = [];
// A slot of our own, so a grading test running beside this file never shares its user.
let claim: ReturnType<typeof claimSlots> | undefined;
let SLOT: number;
beforeAll(() => {
  claim = claimSlots(1);
  SLOT = claim.slots[0];
});
afterAll(() => {
  claim?.release();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
const slotUid = () => ensureSlotUsers(SLOT + 1)[SLOT];

describeRoot('sandbox', () => {
  it('wraps only commands that mention the submission', () => {
    const spec = { ...DEFAULT_LIMITS, user: 'wirelab-student', match: '/subs/alice' };
    expect(sandboxApplies(commandLine(['/bin/sh', '/subs/alice/start.sh']), spec)).toBe(true);
    expect(sandboxApplies(commandLine(['node', '--version']), spec)).toBe(false);
    const w = sandboxCommand(commandLine('echo hi'), spec);
    expect(w.file).toBe('prlimit');
    expect(w.args).toContain(`--nproc=${DEFAULT_LIMITS.procs}`);
    expect(w.args.slice(-3)).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(sandboxFromEnv({})).toBeUndefined();
    expect(() => sandboxFromEnv({ [SANDBOX_ENV]: JSON.stringify({ ...spec, cpu: 0 }) })).toThrow(/cpu/);
    expect(() => sandboxFromEnv({ [SANDBOX_ENV]: JSON.stringify({ ...spec, user: 'root;x' }) })).toThrow(/user/);
  });

  it('runs the program as the slot user under the limits', async () => {
    const uid = slotUid();
    expect(userId(slotUser(SLOT))).toBe(uid);
    const child = spawnDetached(commandLine('id -u; cat /proc/self/limits'), {
      wrap: sandboxWrapper({ ...DEFAULT_LIMITS, user: slotUser(SLOT) }),
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await child;
    const [id, ...limits] = out.trim().split('\n');
    expect(id).toBe(String(uid));
    const soft = (name: string) =>
      limits
        .find((l) => l.startsWith(name))!
        .slice(26)
        .trim()
        .split(/\s+/)[0];
    expect([
      soft('Max cpu time'),
      soft('Max processes'),
      soft('Max open files'),
      soft('Max file size'),
      soft('Max address space'),
      soft('Max core file size'),
    ]).toEqual(
      [DEFAULT_LIMITS.cpu, DEFAULT_LIMITS.procs, DEFAULT_LIMITS.nofile, DEFAULT_LIMITS.fsize, DEFAULT_LIMITS.memory, 0].map(String),
    );
    // Without a sandbox nothing changes: the command runs as root.
    const plain = spawnDetached(commandLine('id -u'), {});
    let p = '';
    plain.stdout?.on('data', (d: Buffer) => (p += d.toString()));
    await plain;
    expect(p.trim()).toBe(String(process.getuid!()));
  });

  it('contains a bounded fork loop to the process limit and reaps what escaped its group', async () => {
    const uid = slotUid();
    const script =
      'import os,time\nok=0\nfor i in range(150):\n    try:\n        if os.fork()==0:\n            os.setsid(); time.sleep(20); os._exit(0)\n        ok+=1\n    except OSError: pass\nprint(ok, flush=True)\ntime.sleep(20)\n';
    const d = mkdtempSync(join(tmpdir(), 'wlt7-sb-'));
    dirs.push(d);
    writeFileSync(join(d, 'f.py'), script);
    execFileSync('chmod', ['-R', 'a+rX', d]);
    const child = spawnDetached(commandLine(['/usr/bin/python3', join(d, 'f.py')]), {
      wrap: sandboxWrapper({ ...DEFAULT_LIMITS, procs: 20, user: slotUser(SLOT) }),
    });
    const forked = await new Promise<number>((res) => child.stdout!.once('data', (b: Buffer) => res(Number(b.toString().trim()))));
    expect(forked).toBe(19); // 20 processes of the user: the parent and 19 children
    expect(processesOf(uid).length).toBe(20);
    expect(await reapUser(uid)).toBeGreaterThanOrEqual(20);
    expect(processesOf(uid)).toEqual([]);
    await child;
  }, 30_000);

  it('slot locks keep two graders apart and take over stale locks', () => {
    const d = mkdtempSync(join(tmpdir(), 'wlt7-slots-'));
    dirs.push(d);
    const a = claimSlots(2, d); // a private lock folder: slot numbers are predictable
    expect(a.slots).toEqual([0, 1]);
    const sleeper = spawn('sleep', ['30']);
    writeFileSync(join(d, 'slot-1.lock'), String(sleeper.pid)); // held by another live process
    writeFileSync(join(d, 'slot-0.lock'), '999999999'); // a dead grader's
    const b = claimSlots(2, d);
    expect(b.slots).toEqual([0, 2]);
    expect(readFileSync(join(d, 'slot-2.lock'), 'utf8')).toBe(String(process.pid));
    b.release();
    sleeper.kill();
  });
});
