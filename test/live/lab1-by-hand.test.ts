/**
 * Lab 1 done by hand, end to end (issue 15's "Done when"): `wirelab up scenarios/lab1.yaml`,
 * then `wirelab shell client` driven through pseudo-terminals (test/live/pty-drive.py) with the
 * seed's commands: tcpdump -w in one shell, ncat --crlf to the echo server, nslookup -debug with
 * the search suffix, traceroute -n, nmap -sT and -sS of the lab's ports in others. Then: the
 * prompt, hostname and resolver are the host's, ncat gets the banner, every recording parses,
 * `wirelab check` passes (hidden checks never shown), and lab1-student.yaml grades the work
 * folder with full marks; a folder without dns.pcap, or with a scan of other ports (recorded in
 * the same lab), loses exactly those points. Every wait is bounded; the lab is taken down in
 * afterAll, also when a test failed, and must leave no namespace behind.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect } from 'vitest';
import { BIN, wirelab } from '../helpers/cli.js';
import { describeRoot, itRoot } from '../helpers/root.js';
import { parseCast } from '../../src/util/asciicast.js';
import type { LabState } from '../../src/generated/lab-state.js';
import type { Grade } from '../../src/grade/grades.js';

const LAB = `wlchk${process.pid}`;
const root = mkdtempSync(join(tmpdir(), 'wl-check-'));
const work = join(root, 'work');
const env = { WIRELAB_STATE_DIR: join(root, 'state') };
const cli = (args: string[], timeout = 120_000) => wirelab(args, { env, cwd: root, timeout });
let lab: LabState | undefined;

type Action =
  | { open: string; argv: string[]; env?: Record<string, string> }
  | { send: string; text: string }
  | { wait: string; regex: string; timeout: number }
  | { close: string; timeout: number };
interface Driven {
  ok: boolean;
  error?: string;
  sessions: Record<string, { output: string; status: number | null; firstMatch: number | null }>;
}

/** Runs a pty script (every wait bounded by its own timeout, the whole by `ms`). */
async function drive(actions: Action[], ms = 240_000): Promise<Driven> {
  const r = await execa('python3', [join(process.cwd(), 'test', 'live', 'pty-drive.py')], {
    input: JSON.stringify(actions),
    reject: false,
    timeout: ms,
  });
  return JSON.parse(r.stdout || '{"ok":false,"sessions":{}}') as Driven;
}

const PROMPT = `\\[${LAB} client\\] [^\\r\\n]*# `;
const shell = (name: string): Action[] => [
  { open: name, argv: [process.execPath, BIN, 'shell', 'client', '--lab', LAB], env: { ...env, TERM: 'xterm' } },
  { wait: name, regex: PROMPT, timeout: 20 },
];
/** Types a command and waits for the next prompt. */
const run = (name: string, cmd: string, timeout = 30): Action[] => [
  { send: name, text: `${cmd}\r` },
  { wait: name, regex: PROMPT, timeout },
];
const exit = (name: string): Action[] => [
  { send: name, text: 'exit\r' },
  { close: name, timeout: 20 },
];
/** tcpdump in shell `cap` while `during` runs in another, stopped with Ctrl-C. */
const captured = (file: string, filter: string, during: Action[]): Action[] => [
  { send: 'cap', text: `tcpdump -n -i eth0 --immediate-mode -w ${file} ${filter}\r` },
  { wait: 'cap', regex: 'listening on eth0', timeout: 20 },
  ...during,
  { send: 'cap', text: '\x03' },
  { wait: 'cap', regex: `dropped by kernel[\\s\\S]*${PROMPT}`, timeout: 20 },
];

function netns(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0]);
}

let driven: Driven;
let scans: Driven;

describeRoot('lab 1 by hand in a live lab', () => {
  beforeAll(async () => {
    const up = await cli(
      ['up', 'scenarios/lab1.yaml', '--name', LAB, '--dir', work, '--json'].map((a) =>
        a.startsWith('scenarios/') ? join(process.cwd(), a) : a,
      ),
    );
    expect(up.stderr).toBe('');
    expect(up.exitCode).toBe(0);
    lab = JSON.parse(up.stdout) as LabState;
    driven = await drive([
      ...shell('cap'),
      ...shell('sh'),
      ...run('sh', 'hostname; grep -v "^#" /etc/resolv.conf'),
      ...captured('echo.pcap', 'tcp port 50007', [
        { send: 'sh', text: 'ncat --crlf server 50007\r' },
        { wait: 'sh', regex: 'Welcome to COMPENG 4DN4 Echo Server!', timeout: 20 },
        { send: 'sh', text: 'Ada Lovelace\r' },
        { wait: 'sh', regex: 'Ada Lovelace[\\s\\S]*Ada Lovelace', timeout: 20 },
        { send: 'sh', text: '400188200\r' },
        { wait: 'sh', regex: '400188200[\\s\\S]*400188200', timeout: 20 },
        { send: 'sh', text: '\x04' },
        { wait: 'sh', regex: PROMPT, timeout: 20 },
      ]),
      ...captured('dns.pcap', 'udp port 53', run('sh', 'nslookup -debug compeng.example')),
      ...run('sh', 'traceroute -n -m 12 server', 90),
      ...run('sh', 'nmap -sS -Pn -n -p 50000-50009 server', 90),
      ...run('sh', 'nmap -sS -Pn -n -p 50007 server', 60),
      ...exit('sh'),
      ...exit('cap'),
      // the -sT scan in a shell of its own, so that a second student's scan of other ports can stand in for it
      ...shell('st'),
      ...run('st', 'nmap -sT -Pn -n -p 50000-50009 server', 90),
      ...exit('st'),
    ]);
    const sessions = join(work, 'sessions');
    const good = join(root, 'subs', 'good');
    mkdirSync(join(good, 'sessions'), { recursive: true });
    for (const f of ['echo.pcap', 'dns.pcap']) if (existsSync(join(work, f))) cpSync(join(work, f), join(good, f));
    const casts = readdirSync(sessions).sort();
    for (const f of casts) cpSync(join(sessions, f), join(good, 'sessions', f));
    // another student: everything the same, but the -sT scan of other ports, recorded in the lab
    scans = await drive([...shell('st'), ...run('st', 'nmap -sT -Pn -n -p 50000-50005 server', 90), ...exit('st')]);
    const wrong = join(root, 'subs', 'wrong-ports');
    cpSync(good, wrong, { recursive: true });
    const newCast = readdirSync(sessions).filter((f) => !casts.includes(f));
    rmSync(join(wrong, 'sessions', casts[casts.length - 1])); // the good -sT shell: the last one recorded
    for (const f of newCast) renameSync(join(sessions, f), join(wrong, 'sessions', f));
    const nodns = join(root, 'subs', 'no-dns-capture');
    cpSync(good, nodns, { recursive: true });
    rmSync(join(nodns, 'dns.pcap'));
  }, 600_000);

  afterAll(async () => {
    const names = lab?.hosts.map((h) => h.netns) ?? [];
    await cli(['down', LAB], 120_000);
    await cli(['cleanup'], 60_000);
    const left = new Set(netns());
    rmSync(root, { recursive: true, force: true });
    for (const n of names) expect(left.has(n), `namespace ${n} left behind`).toBe(false);
  }, 240_000);

  itRoot('the shell is the host: its prompt, hostname and resolver; the real tools answer as in the lab', () => {
    expect(driven.error).toBeUndefined();
    expect(driven.ok).toBe(true);
    const plain = (t: string) => t.replace(/\r/g, '').replace(/\x1b\[\?2004[hl]/g, ''); // bracketed paste on/off around each prompt
    const sh = plain(driven.sessions.sh.output);
    expect(sh).toMatch(new RegExp(`\\[${LAB} client\\] ${work.replace(/[/]/g, '\\/')}# `));
    expect(sh).toMatch(/\nclient\nnameserver 198\.51\.100\.1\nsearch home\noptions ndots:2\n/);
    expect(sh).toMatch(
      /ncat --crlf server 50007\nWelcome to COMPENG 4DN4 Echo Server!\nAda Lovelace\nAda Lovelace\n400188200\n400188200\n/,
    );
    expect(sh).toContain("** server can't find compeng.example.home: NXDOMAIN");
    expect(sh).toMatch(
      /\n 1 {2}198\.51\.100\.1 {2}[\s\S]*\n 3 {2}\* \* \*\n 4 {2}192\.0\.2\.10 [\s\S]*\n10 {2}192\.0\.2\.34 [\s\S]*\n11 {2}\* \* \*\n/,
    );
    expect(sh).toMatch(/50007\/tcp open {5}unknown\n50008\/tcp open {5}unknown\n50009\/tcp filtered unknown/);
    expect(plain(driven.sessions.cap.output)).toMatch(
      /\^C\d+ packets captured\n\d+ packets received by filter\n0 packets dropped by kernel/,
    );
    expect(scans.ok).toBe(true);
  });

  itRoot('every recording parses as asciicast v2, and the shells recorded what was typed', () => {
    const dir = join(root, 'subs', 'good', 'sessions');
    const casts = readdirSync(dir);
    expect(casts.filter((f) => /-shell-client-\d+\.cast$/.test(f))).toHaveLength(3);
    for (const f of casts) {
      const { header, events } = parseCast(readFileSync(join(dir, f), 'utf8'));
      expect(header.title).toBe(`${LAB} client`);
      expect(events.length).toBeGreaterThan(0);
    }
    const typed = casts
      .flatMap((f) =>
        parseCast(readFileSync(join(dir, f), 'utf8'))
          .events.filter((e) => e[1] === 'i')
          .map((e) => e[2]),
      )
      .join('');
    expect(typed).toContain('nmap -sS -Pn -n -p 50000-50009 server\r');
  });

  itRoot('`wirelab check` passes on the lab, shows why, and never shows the hidden check', async () => {
    const r = await cli(['check', LAB]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('PASS  nmap -sS -p 50000-50009: 50007 and 50008 open, the rest filtered  (1/1)');
    expect(r.stdout).toContain('8 of 8 checks pass: 14 / 14 points');
    expect(r.stdout).not.toContain('-p 50007: open');
  });

  itRoot(
    'lab1-student.yaml grades the work folder with full marks; a missing capture or a scan of other ports loses exactly those points',
    async () => {
      const out = join(root, 'grades');
      const g = await cli(
        [
          'grade',
          join(process.cwd(), 'scenarios', 'lab1-student.yaml'),
          '--submissions',
          join(root, 'subs'),
          '--out',
          out,
          '--jobs',
          '2',
          '--no-sandbox',
        ],
        300_000,
      );
      expect(g.exitCode, g.stderr).toBe(0);
      expect(g.stderr).not.toMatch(/warning|error/i); // its progress lines only
      const grade = (s: string) => (JSON.parse(readFileSync(join(out, s, 'grade.json'), 'utf8')) as { grade: Grade }).grade;
      const lost = (s: string) =>
        grade(s)
          .checks.filter((c) => c.score < c.maxScore)
          .map((c) => `${c.name}: ${c.score}/${c.maxScore}`);
      expect([grade('good').score, grade('good').maxScore, lost('good')]).toEqual([15, 15, []]);
      expect([grade('no-dns-capture').score, lost('no-dns-capture')]).toEqual([
        13,
        ['dns.pcap: the query with the suffix (NXDOMAIN), then without: 0/2'],
      ]);
      expect([grade('wrong-ports').score, lost('wrong-ports')]).toEqual([
        14,
        ['nmap -sT -p 50000-50009: 50007 and 50008 open, the rest filtered: 0/1'],
      ]);
      const why = grade('wrong-ports').checks.find((c) => c.name.startsWith('nmap -sT'))!.output;
      expect(why).toContain('expected: 50000-50009');
      expect(why).toContain('received: -p 50000-50005');
    },
  );
});
