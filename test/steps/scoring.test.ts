import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { earnedPoints } from '../../src/interpreter/earned.js';
import { freePort } from '../../src/servers/command.js';
import { ether, ipv4, pcapFile, udp } from '../packets/synth.js';
import { diagnostics, runText } from '../helpers/scenario.js';

const root = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'wirelab-scoring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const C = '198.51.100.55';
const S = '203.0.113.10';
const frame = (src: string, dst: string, sport: number, dport: number, text: string) =>
  ether(0x0800, ipv4(src, dst, 17, udp(sport, dport, new TextEncoder().encode(text))));
function pcap(name: string, frames: Uint8Array[]): string {
  const f = join(dir, name);
  writeFileSync(f, pcapFile(frames.map((data, i) => ({ ts: 1_700_000_000 + i / 100, data }))));
  return f;
}

/** The datagram exchange on port 7007: the grader's request and the student's answer. */
const request = () => frame(C, S, 40000, 7007, 'ping');
const answer = () => frame(S, C, 7007, 40000, 'pong');
const inspect = (file: string, packets: string, extra = '') => `
name: t
steps:
  - inspect:
      file: ${file}
      hosts: { client: ${C}, server: ${S} }
      expect:
        packets:
${packets}
    points: 2
${extra}`;
const exchange = `          - client > server:7007 UDP\n          - server:7007 > client UDP\n`;

describe('earnedPoints: credit only for what the submission did', () => {
  const check = (passed: boolean, more: object = {}) => ({ title: 'c', passed, ...more });
  it('a passing precondition earns nothing by itself; a failing one makes the step 0', () => {
    expect(
      earnedPoints({
        points: 4,
        status: 'failed',
        partial: true,
        checks: [check(true, { precondition: true }), check(false, { fraction: 0 })],
      }),
    ).toBe(0);
    expect(earnedPoints({ points: 4, status: 'failed', partial: true, checks: [check(false, { precondition: true }), check(true)] })).toBe(
      0,
    );
    expect(earnedPoints({ points: 4, status: 'passed', checks: [check(true, { precondition: true }), check(true)] })).toBe(4);
  });
  it('fractions count only with partial: true', () => {
    const checks = [check(false, { fraction: 0.5 }), check(true)];
    expect(earnedPoints({ points: 4, status: 'failed', checks })).toBe(0);
    expect(earnedPoints({ points: 4, status: 'failed', partial: true, checks })).toBe(3);
    expect(earnedPoints({ points: 4, status: 'errored', partial: true, checks })).toBe(0);
  });
});

describe('inspect: the file being a capture is a precondition, not a score', () => {
  it('an unrelated 8-packet DNS capture checked against a port-7007 pattern earns 0 (was half the points)', async () => {
    const dns = pcap(
      'dns.pcap',
      Array.from({ length: 8 }, (_, i) =>
        i % 2 ? frame('192.0.2.53', C, 53, 50000 + i, 'answer') : frame(C, '192.0.2.53', 50001 + i, 53, 'query'),
      ),
    );
    const { record } = await runText(inspect(dns, exchange));
    const step = record.steps[0];
    expect(step.checks.map((c) => [c.title, c.passed, c.precondition ?? false])).toEqual([
      ['capture file readable', true, true],
      ['packet sequence', false, false],
    ]);
    expect(step.earned).toBe(0);
    expect(record.summary.points).toEqual({ earned: 0, max: 2 });
  });

  it('a file that is not a capture earns 0 with the reason', async () => {
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'my capture is on my laptop\n');
    const { record } = await runText(inspect(junk, exchange, '    partial: true'));
    expect(record.steps[0].checks).toMatchObject([{ title: 'capture file readable', passed: false, precondition: true }]);
    expect(record.steps[0].checks[0].actual).toMatch(/not a pcap or pcapng file/);
    expect(record.steps[0].earned).toBe(0);
  });
});

describe('packet sequences: all or nothing unless partial: true; lines carry weights', () => {
  it('a capture missing the UDP answer earns 0 of 2 (was 1.8 of 2 on a longer pattern)', async () => {
    const f = pcap('no-answer.pcap', [request()]);
    const { record } = await runText(inspect(f, exchange));
    expect(record.steps[0].status).toBe('failed');
    expect(record.steps[0].checks[1]).toMatchObject({ title: 'packet sequence', passed: false, fraction: 0.5 });
    expect(record.steps[0].earned).toBe(0);
    expect(record.steps[0].partial).toBeUndefined();
  });

  it("partial: true gives the fraction of lines, weighted; weight 0 for the grader's own packet", async () => {
    const f = pcap('no-answer-2.pcap', [request()]);
    const half = await runText(inspect(f, exchange, '    partial: true'));
    expect(half.record.steps[0].partial).toBe(true);
    expect(half.record.steps[0].earned).toBe(1);
    const weighted = `          - { packet: "client > server:7007 UDP", weight: 0 }\n          - { packet: "server:7007 > client UDP len>0", weight: 3 }\n`;
    const none = await runText(inspect(f, weighted, '    partial: true'));
    expect(none.record.steps[0].earned).toBe(0);
    expect(none.record.steps[0].checks[1].actual).toBe('1 of 2 matched (weight 0 of 3)');
    const both = pcap('both.pcap', [request(), answer()]);
    const full = await runText(inspect(both, weighted));
    expect(full.record.steps[0].status).toBe('passed');
    expect(full.record.steps[0].earned).toBe(2);
  });

  it('partial and weight are checked before anything runs', () => {
    expect(
      diagnostics(`
name: t
steps:
  - serve: { as: e, echo: {} }
    partial: true
`).map((d) => d.code),
    ).toContain('unknown-key');
    const bad = diagnostics(inspect('x.pcap', `          - { packet: "client > server:7007 UDP", weight: -1 }\n`));
    expect(bad.map((x) => [x.line, x.code])).toEqual([[9, 'bad-value']]);
    const unknown = diagnostics(
      inspect(
        'x.pcap',
        `          - { packet: "client > server:7007 UDP", weight: 2 }\n          - { packet: "client > nobody:7007 UDP" }\n`,
      ),
    );
    expect(unknown.map((x) => [x.line, x.col, x.code])).toEqual([[10, 33, 'unknown-host']]);
  });
});

describe.runIf(root)('capture: what the steps during it need being up is a precondition', () => {
  it("a server that never started earns 0, even with partial credit for the grader's own datagram", async () => {
    const port = await freePort('127.0.0.1');
    const send = `import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'ping', ('127.0.0.1', ${port}))`;
    const { record } = await runText(`
name: t
steps:
  - serve: { as: student, port: ${port}, command: { run: [/bin/sh, -c, "exit 1"], ready: 1s } }
  - capture:
      as: c
      filter: udp port ${port}
      during:
        - connect: { to: student, as: s }
        - exec: { run: [/usr/bin/python3, -c, "${send}"] }
      expect:
        packets:
          - 127.0.0.1 > 127.0.0.1:${port} UDP
          - 127.0.0.1:${port} > 127.0.0.1 UDP
    points: 14
    partial: true
  - capture:
      as: c2
      filter: udp port ${port}
      during:
        - exec: { run: [/usr/bin/python3, -c, "${send}"] }
      expect:
        packets:
          - 127.0.0.1 > 127.0.0.1:${port} UDP
          - 127.0.0.1:${port} > 127.0.0.1 UDP
    points: 14
`);
    // all or nothing: the grader's own datagram alone earns nothing (it used to earn 7 of 14)
    expect(record.steps[2].checks).toMatchObject([{ title: 'packet sequence', passed: false, fraction: 0.5 }]);
    expect(record.steps[2].earned).toBe(0);
    const cap = record.steps[1];
    expect(record.steps[0].status).toBe('errored');
    const pre = cap.checks.find((c) => c.precondition)!;
    expect(pre).toMatchObject({ title: 'what the steps during the capture need was up', passed: false });
    expect(pre.actual).toContain('not running');
    expect(cap.checks.find((c) => c.title === 'packet sequence')).toMatchObject({ passed: false, fraction: 0.5 });
    expect(cap.earned).toBe(0);
  });

  it('a conversation that broke off half way is judged by the packets, with partial credit', async () => {
    const port = await freePort('127.0.0.1');
    const { record } = await runText(`
name: t
steps:
  - serve: { as: echo, port: ${port}, echo: {} }
  - capture:
      as: c
      filter: tcp port ${port}
      during:
        - connect: { to: echo, as: s }
        - exec: { run: [sleep, "5"] }
          timeout: 200ms
      expect:
        ignore: [pure-acks]
        packets:
          - 127.0.0.1 > 127.0.0.1:${port} [SYN]
          - 127.0.0.1:${port} > 127.0.0.1 [SYN, ACK]
          - 127.0.0.1 > 127.0.0.1:${port} [FIN, ACK]
    points: 3
    partial: true
`);
    const cap = record.steps[1];
    expect(cap.children?.[1]).toMatchObject({ status: 'errored', error: { code: 'timeout' } });
    expect(cap.checks.some((c) => c.precondition)).toBe(false);
    expect(cap.earned).toBe(2);
  });
});

describe('feedback says why a step earned nothing', () => {
  it('names the unmet precondition and the all-or-nothing rule', async () => {
    const { gradeRun } = await import('../../src/grade/grades.js');
    const f = pcap('no-answer-3.pcap', [request()]);
    const { record } = await runText(inspect(f, exchange));
    const g = gradeRun(record);
    expect(g.checks[0].score).toBe(0);
    expect(g.checks[0].output).toMatch(/^No points: this step gives its points only when every check passes/);
    expect(g.checks[0].output).toContain('PASS precondition: capture file readable');
    const junk = join(dir, 'junk2.pcap');
    writeFileSync(junk, 'nope');
    const bad = gradeRun((await runText(inspect(junk, exchange, '    partial: true'))).record);
    expect(bad.checks[0].output).toMatch(/^No points: a precondition was not met \(capture file readable\)/);
  });
});

describe('the feedback sheet shows the new scoring', () => {
  it('marks preconditions and says why a step earned nothing', async () => {
    const { buildModel } = await import('../../src/report/model.js');
    const f = pcap('no-answer-4.pcap', [request()]);
    const { record } = await runText(inspect(f, exchange));
    const m = buildModel(record, {});
    expect(m.graded[0].note).toMatch(/^No points: this step gives its points only when every check passes/);
    expect(m.graded[0].checks.map((c) => c.title)).toEqual(['capture file readable (precondition)', 'packet sequence']);
  });
});
