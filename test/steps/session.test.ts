/**
 * The `session` step on real recordings of a live lab 1 (test/fixtures/sessions/: asciicast
 * files `wirelab shell` and `wirelab exec` wrote, one tracert transcript as a student would
 * paste it): which command ran on which host against which target, and what its output says,
 * with the messages a student sees when a command is missing or its output disagrees.
 */
import { describe, expect, it } from 'vitest';
import type { Check, StepRecord } from '../../src/generated/run-record.js';
import { diagnostics, runText } from '../helpers/scenario.js';

const HOSTS = `{ client: 198.51.100.55, r1: [198.51.100.1, 192.0.2.1], r2: [192.0.2.2, 192.0.2.5], r3: [192.0.2.6, 192.0.2.9], r4: 192.0.2.10, r10: [192.0.2.34, 203.0.113.1], server: 203.0.113.10 }`;
const GOOD = 'test/fixtures/sessions/lab1-good';

async function one(body: string): Promise<StepRecord> {
  const rec = await runText(`name: t\nsteps:\n  - session:\n${body.replace(/^/gm, '      ')}\n      hosts: ${HOSTS}\n`);
  return rec.record.steps[0];
}

const byTitle = (s: StepRecord) => Object.fromEntries(s.checks.map((c: Check) => [c.title, c]));

describe('session step', () => {
  it('finds a SYN scan of 50000-50009 against the server in a shell recording, with 50007 and 50008 open and the rest filtered', async () => {
    const s = await one(
      `file: ${GOOD}\ncommand: nmap -sS\non: client\ntarget: server\nexpect: { scan: { ports: 50000-50009, open: [50007, 50008], filtered: rest } }`,
    );
    expect(s.status).toBe('passed');
    const c = byTitle(s);
    expect(c['ran `nmap -sS` on client against server'].actual).toMatch(
      /shell-client-14803\.cast:\d+ \(client\): nmap -sS -Pn -n -p 50000-50009 server$/,
    );
    expect(c['scanned ports'].actual).toBe('-p 50000-50009');
    expect(c['open ports'].actual).toBe('50007-50008');
    expect(c['filtered ports'].expected).toBe('50000-50006,50009');
  });

  it('says which states disagree when the expectation is wrong', async () => {
    const s = await one(
      `file: ${GOOD}\ncommand: nmap -sS\ntarget: server\nexpect: { scan: { ports: 50000-50009, open: [50007, 50009], filtered: rest } }`,
    );
    expect(s.status).toBe('failed');
    expect(byTitle(s)['open ports'].actual).toBe('50009 is filtered');
    expect(byTitle(s)['filtered ports'].actual).toBe('50008 is open');
  });

  it('a scan of other ports loses the ports check, and says what was scanned', async () => {
    const s = await one(
      `file: test/fixtures/sessions/wrong-ports.cast\ncommand: nmap -sT\ntarget: server\nexpect: { scan: { ports: 50000-50009, open: [50007, 50008], filtered: rest } }`,
    );
    expect(s.status).toBe('failed');
    const c = byTitle(s)['scanned ports'];
    expect([c.passed, c.expected, c.actual]).toEqual([false, '50000-50009', '-p 50000-50009,50100']);
    expect(byTitle(s)['open ports'].passed).toBe(true); // the states it shows are still read
  });

  it('a missing command lists what the student did run', async () => {
    const s = await one(`file: ${GOOD}\ncommand: nmap -sT\ntarget: server`);
    expect(s.status).toBe('failed');
    const c = s.checks[0];
    expect(c.title).toBe('ran `nmap -sT` against server');
    expect(c.actual).toMatch(/^1 `nmap` command\(s\), none with -sT:\n.*nmap -sS -Pn -n -p 50000-50009 server$/);
    const none = await one(`file: ${GOOD}\ncommand: dig\non: client`);
    expect(none.checks[0].actual).toMatch(/^no `dig` command on client among the \d+ in 2 file\(s\):\n/);
  });

  it('a command aimed at another host does not count', async () => {
    const s = await one(`file: ${GOOD}\ncommand: nmap -sS\ntarget: r1`);
    expect(s.status).toBe('failed');
    expect(s.checks[0].expected).toBe('aimed at r1 or 198.51.100.1 or 192.0.2.1');
  });

  it('reads traceroute -n hops by host name, r3 silent, and tracert from a Windows transcript', async () => {
    const hops = '[r1, r2, "*", r4]';
    const s = await one(`file: ${GOOD}\ncommand: traceroute\ntarget: server\nexpect: { trace: { hops: ${hops}, reached: false } }`);
    expect(s.status).toBe('passed');
    const w = await one(
      `file: test/fixtures/sessions/windows-tracert.txt\ncommand: tracert\ntarget: 203.0.113.10\nexpect: { trace: { hops: ${hops}, reached: false } }`,
    );
    expect(w.status).toBe('passed');
    expect(w.checks[0].actual).toBe('windows-tracert.txt:3: tracert -d 203.0.113.10');
    const bad = await one(`file: ${GOOD}\ncommand: traceroute\nexpect: { trace: { hops: [r1, r3, r3] } }`);
    expect(byTitle(bad)['the hops'].actual).toBe('hop 2: expected r3, got r2 (192.0.2.2); hop 3: expected r3, got *');
  });

  it('reads nslookup -debug: the answer, and the name with the search suffix not found', async () => {
    const s = await one(
      `file: ${GOOD}\ncommand: nslookup\non: client\nexpect: { lookup: { name: compeng.example, addresses: [203.0.113.10], notFound: [compeng.example.home] } }`,
    );
    expect(s.status).toBe('passed');
    const bad = await one(`file: ${GOOD}\ncommand: nslookup\nexpect: { lookup: { addresses: [203.0.113.11] } }`);
    expect([bad.status, byTitle(bad)['the addresses'].actual]).toEqual(['failed', '203.0.113.10']);
  });

  it('reads an ncat session: the banner, and each typed line echoed', async () => {
    const s = await one(
      `file: ${GOOD}\ncommand: ncat --crlf\ntarget: server\nexpect: { ncat: { banner: "Welcome to COMPENG 4DN4 Echo Server!", echoes: [Ada Lovelace] } }`,
    );
    expect(s.status).toBe('passed');
    const bad = await one(`file: ${GOOD}\ncommand: ncat\nexpect: { ncat: { echoes: [Ada Lovelace, Alan Turing] } }`);
    expect(byTitle(bad)['lines echoed'].actual).toBe('"Alan Turing" not typed');
  });

  it("reads tcpdump's closing counters after a Ctrl-C, and its -w file", async () => {
    const s = await one(
      `file: test/fixtures/sessions/tcpdump-killed-early.cast\ncommand: tcpdump\nexpect: { capture: { file: echo.pcap, captured: { min: 1 }, dropped: 0 } }`,
    );
    const c = byTitle(s);
    expect([c['the capture file'].passed, c['packets dropped'].passed]).toEqual([true, true]);
    expect([c['packets captured'].passed, c['packets captured'].actual]).toEqual([false, '0 packets captured']);
  });

  it('a missing folder is a failed precondition naming it', async () => {
    const s = await one(`file: test/fixtures/sessions/nothing-here\ncommand: nmap`);
    expect(s.status).toBe('failed');
    expect(s.checks[0]).toMatchObject({ title: 'sessions readable', precondition: true, passed: false });
    expect(s.checks[0].actual).toMatch(/nothing-here: not found$/);
  });

  it('refuses unknown host names and two "rest" lists at their positions', () => {
    const d = diagnostics(
      `name: t\nsteps:\n  - session:\n      file: x\n      command: nmap\n      target: srv\n      expect: { trace: { hops: [gw] }, scan: { open: rest, filtered: rest } }\n`,
    );
    expect(d.map((x) => `${x.line}:${x.col} ${x.code}`)).toEqual(['6:15 unknown-host', '7:33 unknown-host', '7:46 bad-value']);
  });
});
