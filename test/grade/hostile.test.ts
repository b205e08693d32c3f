// A class of hostile submissions, graded in one go: links into a classmate's folder and out to
// system files, a FIFO as the capture, a submission that leaves secrets in /tmp, /var/tmp and
// /dev/shm for the next one, one that hunts for the grader through /proc/*/cmdline and reads
// the other students' results and the scenario, a submission folder that is a link; and a
// daemon that outlives a grader killed with SIGKILL.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRoot } from '../helpers/root.js';
import { gradeClass, type GradeClassResult } from '../../src/grade/class.js';
import { GradeProgress } from '../../src/grade/progress.js';
import { loadScenario } from '../../src/scenario/load.js';
import { DEFAULT_LIMITS } from '../../src/sandbox/limits.js';
import { processesOf } from '../../src/sandbox/reap.js';
import { readStates, removeState } from '../../src/topology/state.js';

const ROOT = resolve(import.meta.dirname, '../..');
const quiet = () => new GradeProgress(0, { write: () => true } as unknown as NodeJS.WriteStream, true);

/** A classic pcap holding one TCP SYN 192.0.2.1:40000 > 192.0.2.2:50007 on Ethernet. */
function synPcap(): Buffer {
  const ip = Buffer.from([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(40000, 0);
  tcp.writeUInt16BE(50007, 2);
  tcp.writeUInt32BE(1, 4);
  tcp[12] = 5 << 4;
  tcp[13] = 0x02;
  tcp.writeUInt16BE(65535, 14);
  const frame = Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]), ip, tcp]);
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(1_700_000_000, 0);
  rec.writeUInt32LE(frame.length, 8);
  rec.writeUInt32LE(frame.length, 12);
  return Buffer.concat([head, rec, frame]);
}

const SECRET = 'SECRET-FROM-g01';

/** The students' server: what it does depends on its folder's name; its banner says what it found. */
const SERVER = String.raw`
import json, os, socket, sys, time
here = os.path.dirname(os.path.abspath(__file__))
name = os.path.basename(here)
cfg = json.load(open(os.path.join(here, 'paths.json')))
found = []
if name.startswith('g01'):
    for d in ('/tmp', '/var/tmp', '/dev/shm'):
        open(os.path.join(d, 'wl-secret'), 'w').write('${SECRET}')
if name.startswith('g02'):
    for d in ('/tmp', '/var/tmp', '/dev/shm'):
        try: found.append(d + ':' + open(os.path.join(d, 'wl-secret')).read())
        except OSError: pass
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try: cmd = open('/proc/%s/cmdline' % pid, 'rb').read().split(b'\0')
        except OSError: continue
        if b'--out' in cmd: found.append('cmdline:' + cmd[cmd.index(b'--out') + 1].decode())
        if any(b'.yaml' in a for a in cmd): found.append('scenario-in-cmdline')
    try:
        text = open(cfg['scenario']).read()
        if text: found.append('scenario:' + text[:20])
    except OSError: pass
    for d in (cfg['subs'], cfg['out']):
        try:
            names = [n for n in os.listdir(d) if n != name]
            if names: found.append('ls:' + d + ':' + ','.join(names))
        except OSError: pass
    try: found.append('results:' + open(os.path.join(cfg['out'], 'a-good', 'results.json')).read()[:20])
    except OSError: pass
    try:
        open(os.path.join(here, 'written'), 'w').write('x'); found.append('wrote-own-folder')
    except OSError: pass
if name.startswith('daemon'):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv('/usr/bin/python3', ['/usr/bin/python3', '-c', 'import time; time.sleep(120)', 'wl-daemon-' + name])
        os._exit(0)
    os.wait()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(os.environ['PORT']))); s.listen(4)
while True:
    c, _ = s.accept()
    if name.startswith('daemon'): time.sleep(60)
    c.sendall(('Welcome ' + ('LEAK ' + json.dumps(found) if found else 'clean') + '\n').encode())
    c.close()
`;

const SCENARIO_TEXT = `name: hostile
timeout: 20s
steps:
  - serve: { as: student, command: { run: ["/bin/sh", "{{submission}}/start.sh"], ready: 5s } }
    name: start the server
  - connect: { to: student, as: s }
  - expect: { conn: s, line: "Welcome clean" }
    name: banner
    timeout: 2s
    points: 1
  - inspect:
      file: "{{submission}}/echo.pcapng"
      expect:
        packets:
          - "* > *:50007 [SYN]"
    name: capture
    points: 2
`;

const tmp: string[] = [];
// outside /tmp (which the world replaces anyway), so the covers over the submissions root, the
// output folder and the scenario file are what hides them
const mk = (prefix: string) => {
  const d = mkdtempSync(join(existsSync('/srv') ? '/srv' : tmpdir(), prefix));
  chmodSync(d, 0o755);
  tmp.push(d);
  return d;
};

/** A submission folder with the server; `capture` decides what echo.pcapng is. */
function submission(subs: string, paths: object, name: string, capture: (file: string) => void): void {
  const d = join(subs, name);
  mkdirSync(d);
  writeFileSync(join(d, 'start.sh'), '#!/bin/sh\nexec /usr/bin/python3 "$(dirname "$0")/server.py"\n');
  writeFileSync(join(d, 'server.py'), SERVER);
  writeFileSync(join(d, 'paths.json'), JSON.stringify(paths));
  capture(join(d, 'echo.pcapng'));
}

/** Processes whose command line mentions `text` (not this test's own ps). */
function mentioning(text: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(text) && !l.includes('ps -eo'));
}

const netns = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[0]);

let subs: string;
let out: string;
let scenarioFile: string;
let result: GradeClassResult;
let uids: number[] = [];
/** Namespaces this process's grading runs recorded in their state files (sampled while grading). */
const ours = new Set<string>();

beforeAll(async () => {
  const base = mk('wlt12-hostile-');
  subs = join(base, 'submissions');
  out = join(base, 'out');
  scenarioFile = join(base, 'hostile.yaml');
  mkdirSync(subs);
  writeFileSync(scenarioFile, SCENARIO_TEXT);
  const paths = { subs, out, scenario: scenarioFile };
  const pcap = synPcap();
  submission(subs, paths, 'a-good', (f) => writeFileSync(f, pcap));
  submission(subs, paths, 'b-link-classmate', (f) => symlinkSync('../a-good/echo.pcapng', f));
  submission(subs, paths, 'c-link-passwd', (f) => symlinkSync('/etc/passwd', f));
  submission(subs, paths, 'd-link-shadow', (f) => symlinkSync('/etc/shadow', f));
  submission(subs, paths, 'e-fifo', (f) => execFileSync('mkfifo', [f]));
  submission(subs, paths, 'f-link-inside', (f) => {
    mkdirSync(join(f, '..', 'caps'));
    writeFileSync(join(f, '..', 'caps', 'mine.pcapng'), pcap);
    symlinkSync('caps/mine.pcapng', f);
  });
  submission(subs, paths, 'g01-writer', (f) => writeFileSync(f, pcap));
  submission(subs, paths, 'g02-reader', (f) => writeFileSync(f, pcap));
  symlinkSync('a-good', join(subs, 'h-folder-link'));
  submission(subs, paths, 'i-unreadable', (f) => writeFileSync(f, pcap));
  submission(subs, paths, 'j-line\nbreak', (f) => writeFileSync(f, pcap));
  writeFileSync(join(subs, 'notes.txt'), 'not a submission');
  execFileSync('chmod', ['-R', 'a+rX', base]);
  chmodSync(join(subs, 'i-unreadable', 'echo.pcapng'), 0o600); // root's: the sandbox user cannot read it
  const r = await loadScenario(scenarioFile);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  const sampler = setInterval(
    () =>
      readStates()
        .filter((st) => st.pid === process.pid)
        .forEach((st) => st.namespaces.forEach((n) => ours.add(n))),
    50,
  );
  try {
    // one job: g01 runs right before g02, with the same sandbox user
    result = await gradeClass({
      scenarioFile,
      loaded: r.loaded,
      submissionsDir: subs,
      outDir: out,
      jobs: 1,
      sandbox: DEFAULT_LIMITS,
      progress: quiet(),
      onSandboxUsers: (u) => (uids = u),
    });
  } finally {
    clearInterval(sampler);
  }
}, 120_000);

afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

const grade = (sub: string) =>
  JSON.parse(readFileSync(join(out, sub, 'grade.json'), 'utf8')).grade as {
    score: number;
    maxScore: number;
    status: string;
    error?: string;
    checks: { name: string; score: number; output: string }[];
  };

describeRoot('a class of hostile submissions', () => {
  it('grades the honest ones fully, also with a link that stays inside the folder', () => {
    for (const sub of ['a-good', 'f-link-inside', 'g01-writer']) {
      const g = grade(sub);
      expect([sub, g.score, g.status], JSON.stringify(g.checks)).toEqual([sub, 3, 'graded']);
    }
  });

  it('makes links out, a FIFO and a folder link "not gradable" with the reason, and grades the rest', () => {
    const reasons: Record<string, RegExp> = {
      'b-link-classmate': /^not gradable: echo\.pcapng is a link out of the submission \(-> \.\.\/a-good\/echo\.pcapng\)/,
      'c-link-passwd': /^not gradable: echo\.pcapng is a link out of the submission \(-> \/etc\/passwd\)/,
      'd-link-shadow': /^not gradable: echo\.pcapng is a link out of the submission \(-> \/etc\/shadow\)/,
      'e-fifo': /^not gradable: echo\.pcapng is a FIFO \(named pipe\), not a regular file/,
      'h-folder-link': /^not gradable: the submission folder is a symbolic link \(-> a-good\)/,
      'j-line\nbreak': /^not gradable: its folder name holds a line break; rename the folder$/,
      'i-unreadable':
        /^not gradable: echo\.pcapng cannot be read by the sandbox user wirelab-student(-\d+)? \(mode 0600\); fix: chmod o\+r it/,
    };
    for (const [sub, re] of Object.entries(reasons)) {
      const g = grade(sub);
      expect([sub, g.score, g.maxScore, g.status]).toEqual([sub, 0, 3, 'error']);
      expect(g.error).toMatch(re);
      const fb = readFileSync(join(out, sub, 'feedback.md'), 'utf8');
      expect(fb).toContain(g.error!);
      expect(fb).not.toMatch(/root:|0x726f6f74/); // nothing of /etc/passwd
      expect(existsSync(join(out, sub, 'results.json'))).toBe(true);
    }
    const csv = readFileSync(join(out, 'grades.csv'), 'utf8');
    expect(
      csv
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[0]),
    ).toEqual([
      'a-good',
      'b-link-classmate',
      'c-link-passwd',
      'd-link-shadow',
      'e-fifo',
      'f-link-inside',
      'g01-writer',
      'g02-reader',
      'h-folder-link',
      'i-unreadable',
      expect.stringMatching(/^"?j-line/),
    ]);
    expect(result.warnings).toEqual([expect.stringMatching(/not folders: notes\.txt$/)]);
  });

  it('gives the next submission an empty /tmp, /var/tmp and /dev/shm, and no view of the grader, the class or the scenario', () => {
    const g = grade('g02-reader');
    // the banner is "Welcome clean" only when the program found nothing of the above
    expect(
      g.checks.map((c) => [c.name, c.score]),
      g.checks[0].output,
    ).toEqual([
      ['banner', 1],
      ['capture', 2],
    ]);
    expect(g.checks.map((c) => c.output).join('\n')).not.toContain(SECRET);
    for (const d of ['/tmp', '/var/tmp', '/dev/shm']) expect(existsSync(join(d, 'wl-secret')), d).toBe(false);
    expect(existsSync(join(subs, 'g02-reader', 'written'))).toBe(false);
  });

  it('leaves nothing: no process, no namespace, no file', () => {
    for (const u of uids) expect(processesOf(u, true)).toEqual([]);
    expect(mentioning(subs)).toEqual([]);
    expect(ours.size).toBeGreaterThan(0); // each run had a loopback namespace of its own…
    expect(netns().filter((n) => ours.has(n))).toEqual([]); // …and none is left
    expect(readStates().filter((st) => st.pid === process.pid)).toEqual([]);
    const findmnt = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' });
    expect(findmnt).not.toContain(subs);
  });
});

describeRoot('a grader killed with SIGKILL', () => {
  it('takes a double-forked student daemon with it', async () => {
    const base = mk('wlt12-killed-');
    const s = join(base, 'submissions');
    mkdirSync(s);
    const token = `daemon-${process.pid}-${Date.now()}`;
    writeFileSync(join(base, 'hostile.yaml'), SCENARIO_TEXT);
    submission(s, { subs: s, out: join(base, 'out'), scenario: join(base, 'hostile.yaml') }, token, (f) => writeFileSync(f, synPcap()));
    execFileSync('chmod', ['-R', 'a+rX', base]);
    const grader = spawn(
      process.execPath,
      [
        join(ROOT, 'test/grade/cli.mjs'),
        'grade',
        join(base, 'hostile.yaml'),
        '--submissions',
        s,
        '--out',
        join(base, 'out'),
        '--jobs',
        '1',
      ],
      { stdio: 'ignore' },
    );
    const pid = grader.pid!;
    const exited = new Promise((r) => grader.once('exit', r));
    try {
      const daemon = `wl-daemon-${token}`;
      const until = Date.now() + 20_000;
      while (mentioning(daemon).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(mentioning(daemon), 'the daemon started').toHaveLength(1);
      grader.kill('SIGKILL');
      await exited;
      // the run (whose --out is in OUT) tears down, and the world takes the daemon along
      const gone = Date.now() + 15_000;
      while ((mentioning(token).length > 0 || mentioning(join(base, 'out')).length > 0) && Date.now() < gone)
        await new Promise((r) => setTimeout(r, 100));
      expect(mentioning(token)).toEqual([]);
      expect(mentioning(join(base, 'out'))).toEqual([]);
    } finally {
      grader.kill('SIGKILL');
      for (const p of mentioning(token)) process.kill(Number(p.trim().split(/\s+/)[0]), 'SIGKILL');
      // the grader's own loopback namespace stays for `wirelab cleanup`; remove just ours
      for (const st of readStates().filter((x) => x.pid === pid)) {
        for (const n of st.namespaces) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
        removeState(st.runId);
      }
    }
  }, 60_000);
});

describeRoot('a scenario that lets submissions write to their folder', () => {
  it('mounts the folder writable (submission.writable), and still hides the rest', async () => {
    const base = mk('wlt12-writable-');
    const s = join(base, 'submissions');
    mkdirSync(s);
    const file = join(base, 'writable.yaml');
    writeFileSync(file, SCENARIO_TEXT.replace('timeout: 20s\n', 'timeout: 20s\nsubmission: { writable: true }\n'));
    submission(s, { subs: s, out: join(base, 'out'), scenario: file }, 'g02-writable', (f) => writeFileSync(f, synPcap()));
    execFileSync('chmod', ['-R', 'a+rX', base]);
    chmodSync(join(s, 'g02-writable'), 0o777);
    const r = await loadScenario(file);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    await gradeClass({
      scenarioFile: file,
      loaded: r.loaded,
      submissionsDir: s,
      outDir: join(base, 'out'),
      jobs: 1,
      sandbox: DEFAULT_LIMITS,
      progress: quiet(),
    });
    const g = JSON.parse(readFileSync(join(base, 'out', 'g02-writable', 'grade.json'), 'utf8')).grade as {
      checks: { score: number; output: string }[];
    };
    // what it found is only its own write
    expect(g.checks[0].output).toContain('Welcome LEAK [\\"wrote-own-folder\\"]');
    expect(readFileSync(join(s, 'g02-writable', 'written'), 'utf8')).toBe('x');
  }, 60_000);
});

describeRoot('the submissions folder', () => {
  const grade = (subsDir: string, outDir: string) =>
    spawnSync(
      process.execPath,
      [
        join(ROOT, 'test/grade/cli.mjs'),
        'grade',
        join(ROOT, 'test/fixtures/echo-grading.yaml'),
        '--submissions',
        subsDir,
        '--out',
        outDir,
        '--no-sandbox',
      ],
      { encoding: 'utf8' },
    );

  it('missing: exit 2 with the path, and no output folder is made', () => {
    const base = mk('wlt12-folder-');
    const r = grade(join(base, 'nope'), join(base, 'out'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`the submissions folder ${join(base, 'nope')} does not exist`);
    expect(existsSync(join(base, 'out'))).toBe(false);
  });

  it('empty: graded (nothing) with a warning', () => {
    const base = mk('wlt12-folder-');
    mkdirSync(join(base, 'subs'));
    const r = grade(join(base, 'subs'), join(base, 'out'));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`warning: the submissions folder ${join(base, 'subs')} holds no submission folders`);
  });
});
