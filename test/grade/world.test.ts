// The private world of a sandboxed command (src/sandbox/world.ts), one property per test.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRoot } from '../helpers/root.js';
import { killGroup, spawnDetached } from '../../src/exec/process.js';
import { commandLine } from '../../src/util/command-line.js';
import { sandboxWrapper } from '../../src/sandbox/wrap.js';
import { DEFAULT_LIMITS, type SandboxSpec } from '../../src/sandbox/limits.js';
import { claimSlots } from '../../src/sandbox/slots.js';
import { requireWorlds, worldCommand } from '../../src/sandbox/world.js';
import { EnvironmentError } from '../../src/errors.js';
import { ensureSlotUsers, slotUser } from '../../src/sandbox/users.js';

let claim: ReturnType<typeof claimSlots> | undefined;
let SLOT: number;
let base: string | undefined;
let subs: string, out: string, scenario: string, mine: string;
beforeAll(() => {
  claim = claimSlots(1);
  SLOT = claim.slots[0];
  ensureSlotUsers(SLOT + 1);
  // outside /tmp, so what hides the class is the covers, not the fresh /tmp
  base = mkdtempSync(join(existsSync('/srv') ? '/srv' : '/var/lib', 'wlt12-world-'));
  subs = join(base, 'subs');
  out = join(base, 'out');
  scenario = join(base, 'lab.yaml');
  mine = join(subs, 'alice');
  mkdirSync(mine, { recursive: true });
  mkdirSync(join(subs, 'bob'));
  mkdirSync(out);
  writeFileSync(join(mine, 'own.txt'), 'alice\n');
  writeFileSync(join(subs, 'bob', 'results.json'), '{"score":10}\n');
  writeFileSync(join(out, 'grades.csv'), 'submission,score\n');
  writeFileSync(scenario, 'name: hidden-checks\n');
  execFileSync('chmod', ['-R', 'a+rX', base]);
  execFileSync('chmod', ['a+w', mine]); // the user may write here: only the mount can stop it
});
afterAll(() => {
  claim?.release();
  if (base) rmSync(base, { recursive: true, force: true });
});

const spec = (writable = false): SandboxSpec => ({
  ...DEFAULT_LIMITS,
  user: slotUser(SLOT),
  world: { submission: mine, hide: [subs, out, scenario], writable },
});

/** Runs a shell command in a world; its output, exit code and signal. */
async function inWorld(script: string, opts: { writable?: boolean; stdin?: string; cwd?: string } = {}) {
  const child = spawnDetached(commandLine(['/bin/sh', '-c', script]), {
    wrap: sandboxWrapper(spec(opts.writable)),
    stdin: opts.stdin,
    cwd: opts.cwd,
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const r = await child;
  return { text, exitCode: r.exitCode, signal: r.signal };
}

describeRoot('a sandboxed command in its own world', () => {
  it('starts with an empty /tmp, /var/tmp, /dev/shm and /run/lock, and what it writes there is gone after it', async () => {
    const shared = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock'].filter((d) => existsSync(d));
    for (const d of shared) writeFileSync(join(d, 'wlt12-outside'), '');
    try {
      const r = await inWorld(`for d in ${shared.join(' ')}; do ls -A $d | grep -c . ; echo x > $d/wlt12-inside || echo nowrite; done`);
      expect(r.text.trim().split('\n')).toEqual(shared.map(() => '0'));
      for (const d of shared) expect(existsSync(join(d, 'wlt12-inside')), d).toBe(false);
    } finally {
      for (const d of shared) rmSync(join(d, 'wlt12-outside'), { force: true });
    }
  });

  it('leaves no System V shared memory behind for the next one (its own IPC namespace)', async () => {
    const before = execFileSync('ipcs', ['-m'], { encoding: 'utf8' });
    const made = await inWorld('ipcmk -M 4096 -p 0666 | grep -o "[0-9]*$"; ipcs -m | grep -c 0x');
    const [id, count] = made.text.trim().split('\n');
    expect(Number(count)).toBe(1); // it made one…
    const next = await inWorld('ipcs -m | grep -c 0x');
    expect(next.text.trim()).toBe('0'); // …the next world sees none…
    expect(execFileSync('ipcs', ['-m'], { encoding: 'utf8' })).toBe(before); // …nor does the machine
    expect(id).toMatch(/^\d+$/);
  });

  it('sees only its own processes in /proc, and no command line of the grader', async () => {
    const r = await inWorld(
      'ls /proc | grep -c "^[0-9]"; cat /proc/*/cmdline | tr "\\0" " " | grep -c -e "--ou[t]" -e "vites[t]"; echo "uid $(id -u)"',
    );
    const [count, grader, uid] = r.text.trim().split('\n');
    expect(Number(count)).toBeLessThanOrEqual(6); // the init, this shell and its pipeline
    expect(grader).toBe('0');
    expect(uid).toBe(`uid ${ensureSlotUsers(SLOT + 1)[SLOT]}`);
  });

  it('sees its own folder read-only, and neither the other submissions, the output folder nor the scenario', async () => {
    const r = await inWorld(
      `cat ${mine}/own.txt; ls -A ${subs}; ls -A ${out} | grep -c .; wc -c < ${scenario}; (echo x > ${mine}/new) 2>&1 | grep -o "Read-only file system"; cat ${subs}/bob/results.json 2>/dev/null || echo no-bob`,
      { cwd: mine },
    );
    expect(r.text.trim().split('\n')).toEqual(['alice', 'alice', '0', '0', 'Read-only file system', 'no-bob']);
    expect(existsSync(join(mine, 'new'))).toBe(false);
  });

  it('may write to its own folder when the scenario says so', async () => {
    const r = await inWorld(`echo x > ${mine}/new && pwd`, { writable: true, cwd: mine });
    expect(r.text.trim()).toBe(mine);
    expect(readFileSync(join(mine, 'new'), 'utf8')).toBe('x\n');
    rmSync(join(mine, 'new'));
  });

  it('passes stdin and the exit status through, and takes a double-forked daemon along when it ends', async () => {
    const daemon = '/usr/bin/python3 -c "import time; time.sleep(60)" wlt12-daemon';
    const r = await inWorld(
      `read l; echo "got $l"; (setsid ${daemon} &); sleep 0.3; ps -eo args= | grep -c "^/usr/bin/python3 .*wlt12-daemon"; exit 7`,
      { stdin: 'hello\n' },
    );
    expect(r.text.trim().split('\n')).toEqual(['got hello', '1']); // the daemon ran
    expect(r.exitCode).toBe(7);
    const ps = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
    expect(ps).not.toContain('wlt12-daemon');
  });

  it('forwards SIGTERM to the program, so it can stop cleanly', async () => {
    const child = spawnDetached(commandLine(['/bin/sh', '-c', 'trap "echo stopped; exit 3" TERM; echo up; while :; do sleep 0.1; done']), {
      wrap: sandboxWrapper(spec()),
    });
    let text = '';
    await new Promise<void>((res) => child.stdout!.on('data', (d: Buffer) => ((text += d.toString()), text.includes('up') && res())));
    await killGroup(child, 5000);
    const r = await child;
    expect(text).toContain('stopped');
    expect(r.exitCode).toBe(3);
  });
});

describeRoot('a world whose starter is killed with SIGKILL', () => {
  it('ends, and takes its daemon along', async () => {
    const token = `wlt12-orphan-${process.pid}-${Date.now()}`;
    const starter = `
      const { spawnDetached } = await import(${JSON.stringify(join(import.meta.dirname, '../../dist/exec/process.js'))});
      const { commandLine } = await import(${JSON.stringify(join(import.meta.dirname, '../../dist/util/command-line.js'))});
      const { sandboxWrapper } = await import(${JSON.stringify(join(import.meta.dirname, '../../dist/sandbox/wrap.js'))});
      const spec = JSON.parse(process.argv[1]);
      spawnDetached(commandLine(['/usr/bin/python3', '-c', 'import os, time\\nif os.fork() == 0:\\n    os.setsid(); time.sleep(60)\\ntime.sleep(60)', ${JSON.stringify(token)}]), { wrap: sandboxWrapper(spec) });
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', starter, JSON.stringify(spec())], { stdio: 'ignore' });
    // everything of the world mentions the token: unshare, its init, the program and its daemon
    const mentioning = () =>
      execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(token) && !l.includes('ps -eo') && !l.includes('--input-type'));
    const pythons = () => mentioning().filter((l) => /^\s*\d+ \/usr\/bin\/python3 -c/.test(l));
    try {
      const until = Date.now() + 10_000;
      while (pythons().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(pythons().length, 'the program and its daemon run').toBe(2);
      child.kill('SIGKILL');
      const gone = Date.now() + 10_000;
      while (mentioning().length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
      expect(mentioning()).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      for (const l of mentioning()) process.kill(Number(l.trim().split(/\s+/)[0]), 'SIGKILL');
    }
  }, 30_000);
});

describeRoot('making worlds', () => {
  it('never covers the system: an output folder of / or /usr is not hidden', () => {
    const w = worldCommand(['true'], { submission: mine, hide: ['/', '/usr', `${out}/`, scenario] });
    expect(Object.entries(w.env).filter(([k]) => k.startsWith('WL_HIDE_'))).toEqual([
      ['WL_HIDE_1', out],
      ['WL_HIDE_2', scenario],
    ]);
    expect(() => worldCommand(['true'], { submission: 'relative', hide: [] })).toThrow(/bad path/);
  });

  it('says what to do (exit 3) where no world can be made', () => {
    expect(() => requireWorlds()).not.toThrow();
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent'; // no unshare
    try {
      expect(() => requireWorlds()).toThrow(EnvironmentError);
      expect(() => requireWorlds()).toThrow(/private world .*\n {2}fix: .*--no-sandbox/);
    } finally {
      process.env.PATH = path;
    }
  });
});
