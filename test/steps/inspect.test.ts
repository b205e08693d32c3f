/**
 * The inspect step on a checked-in capture (test/fixtures/captures/echo-session.pcapng, made by
 * make-echo-session.ts there): the packet checks, partial credit, and files that are damaged or
 * no capture at all. No root needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runText } from '../helpers/scenario.js';
import { schemaErrors } from '../report/records.js';

const FIXTURE = 'test/fixtures/captures/echo-session.pcapng';
const dir = mkdtempSync(join(tmpdir(), 'wirelab-inspect-step-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(file: string, packets: string[], count = '{ min: 11, max: 11 }') {
  return `
name: t
steps:
  - inspect:
      file: ${JSON.stringify(file)}
      hosts: { client: 198.51.100.55, server: 203.0.113.10 }
      expect:
        count: ${count}
        packets:
${packets.map((p) => `          - ${JSON.stringify(p)}`).join('\n')}
    points: 4
`;
}

const session = [
  'client > server:50007 [SYN] mss=1460',
  'server:50007 > client [SYN, ACK] mss=1452',
  'client > server [ACK]',
  'server > client [PSH, ACK] len=10 data="Welcome!"',
  'client > server [ACK]',
  'client > server [PSH, ACK] data="hello\\r\\n"',
  'server > client [PSH, ACK] data="hello\\r\\n"',
  '...',
  'client > server [FIN, ACK]',
  'server > client [FIN, ACK]',
  'client > server [ACK]',
];

describe('inspect a capture file', () => {
  it('passes the echo session and records every packet as tshark lists it', async () => {
    const { record } = await runText(scenario(FIXTURE, session));
    expect(schemaErrors(record)).toBe('');
    const s = record.steps[0];
    expect(s.checks.map((c) => [c.title, c.actual, c.passed])).toEqual([
      ['capture file readable', '11 packets', true],
      ['number of packets', '11', true],
      ['packet sequence', 'all matched (11 packets)', true],
    ]);
    expect(s.status).toBe('passed');
    expect(s.earned).toBe(4);
    const rows = s.capture!.packets;
    expect(rows).toHaveLength(11);
    // the Info column as `tshark -n -r` prints it for these frames
    expect(rows[0]).toMatchObject({
      source: '198.51.100.55',
      destination: '203.0.113.10',
      protocol: 'TCP',
      length: 58,
      info: '55182 → 50007 [SYN] Seq=0 Win=64240 Len=0 MSS=1460',
    });
    expect(rows[6].info).toBe('50007 → 55182 [PSH, ACK] Seq=11 Ack=8 Win=64240 Len=7');
  });

  it('a wrong expectation fails the sequence with partial credit and a report naming the divergence', async () => {
    const wrong = session.map((l) => l.replace('"Welcome!"', '"Bienvenue!"'));
    const { record } = await runText(scenario(FIXTURE, wrong));
    const seq = record.steps[0].checks.find((c) => c.title === 'packet sequence')!;
    expect(seq.passed).toBe(false);
    expect(seq.fraction).toBeGreaterThan(0);
    expect(seq.fraction).toBeLessThan(1);
    expect(seq.detail).toMatch(/Bienvenue!/);
    expect(seq.detail).toMatch(/>>/); // the first divergence is marked
    expect(record.steps[0].status).toBe('failed');
    expect(record.steps[0].earned).toBeLessThan(4);
  });

  it('a count outside the range fails that check only', async () => {
    const { record } = await runText(scenario(FIXTURE, session, '{ min: 12 }'));
    const checks = record.steps[0].checks;
    expect(checks.find((c) => c.title === 'number of packets')).toMatchObject({ expected: 'at least 12', actual: '11', passed: false });
    expect(checks.find((c) => c.title === 'packet sequence')?.passed).toBe(true);
  });

  it('a file cut inside a frame: the frames before the cut are checked, the damage is said with its offset', async () => {
    const bytes = readFileSync(FIXTURE);
    const cut = join(dir, 'cut.pcapng');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    const { record } = await runText(scenario(cut, session.slice(0, 3).concat('...')));
    const s = record.steps[0];
    const readable = s.checks.find((c) => c.title === 'capture file readable')!;
    expect(readable.passed).toBe(false);
    expect(readable.actual).toMatch(/^damaged at byte \d+ \(frame 11\): /);
    expect(s.capture!.packets).toHaveLength(10);
    expect(s.checks.find((c) => c.title === 'packet sequence')?.passed).toBe(true);
    // tshark agrees on what survives (and exits non-zero, "cut short in the middle of a packet")
    const tshark = spawnSync('tshark', ['-n', '-r', cut], { encoding: 'utf8' });
    expect(tshark.stderr).toMatch(/cut short in the middle of a packet/);
    expect(tshark.stdout.trim().split('\n')).toHaveLength(10);
  });

  it('a file that is no capture, or is missing: the readable precondition fails and no packets are compared', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'this is not a capture\n');
    for (const f of [text, join(dir, 'missing.pcapng')]) {
      const { record } = await runText(scenario(f, session));
      const s = record.steps[0];
      expect(
        s.checks.map((c) => c.title),
        f,
      ).toEqual(['capture file readable']);
      expect(s.checks[0]).toMatchObject({ passed: false, precondition: true });
      expect(s.earned).toBe(0);
    }
  });
});
