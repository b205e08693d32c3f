/**
 * Sized and repeated payloads (`bytes: 6000`, `repeat:`) on TCP sends and UDP datagrams, and the
 * case-insensitive flag of expect and udp regexes (issue 16).
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { shaped } from '../../src/steps/data.js';
import { diagnostics, runText } from '../helpers/scenario.js';

/** A UDP echo on loopback that answers each datagram with the same bytes, and reports their size. */
let echo: Socket;
let port = 0;
const sizes: number[] = [];
beforeAll(async () => {
  echo = createSocket('udp4');
  echo.on('message', (m, from) => {
    sizes.push(m.length);
    echo.send(m, from.port, from.address);
  });
  await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
  port = echo.address().port;
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

describe('shaped payloads', () => {
  it('cuts a repeated unit to the size, repeats it N times, fills with digits without one', () => {
    expect(shaped(Buffer.from('abc'), 7, undefined).toString()).toBe('abcabca');
    expect(shaped(Buffer.from('ab'), undefined, 3).toString()).toBe('ababab');
    expect(shaped(undefined, 12, undefined).toString()).toBe('012345678901');
    expect(shaped(Buffer.from('x'), undefined, undefined).toString()).toBe('x');
  });
});

describe('send bytes / repeat over TCP', () => {
  it('6000 bytes go out and come back from the echo server, checked with expect repeat', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: e, echo: { mode: bytes } }
  - connect: { to: e, as: s }
  - send: { conn: s, bytes: 6000 }
  - expect: { conn: s, text: "0123456789", repeat: 600 }
  - send: { conn: s, text: "ab", repeat: 3 }
  - expect: { conn: s, text: "ababab" }
  - send: { conn: s, line: "hi", repeat: 2 }
  - expect: { conn: s, text: "hi\\nhi\\n" }
  - send: { conn: s, hex: "00 ff", bytes: 5 }
  - expect: { conn: s, bytes: "00 ff", repeat: 2 }
  - expect: { conn: s, bytes: "00" }
`);
    expect(record.steps.map((s) => s.status)).toEqual(Array(11).fill('passed'));
    expect(record.steps[2].title).toBe('send 6000 bytes on s');
    expect(record.steps[2].transcript?.[0].text).toHaveLength(6000);
    expect(record.steps[3].checks[0].expected).toBe('text "0123456789" ×600');
  });

  it('a repeated expectation fails on one byte too few', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: e, echo: { mode: bytes } }
  - connect: { to: e, as: s }
  - send: { conn: s, bytes: 5999 }
  - expect: { conn: s, text: "0123456789", repeat: 600, within: 300ms }
`);
    expect(record.steps[3].status).toBe('failed');
  });

  it('is checked before it runs: one payload, bytes or repeat', () => {
    const d = diagnostics(
      `name: t
steps:
  - serve: { as: e, echo: {} }
  - connect: { to: e, as: s }
  - send: { conn: s, text: a, hex: "00" }
  - send: { conn: s, bytes: 10, repeat: 2, text: a }
  - expect: { conn: s, line: a, ignoreCase: true }
  - expect: { conn: s, regex: a, repeat: 2 }
`,
      'lab.yaml',
    ).map(formatDiagnostic);
    expect(d).toEqual([
      'lab.yaml:5:31: conflicting-keys a send has one payload: give one of "text", "line", "hex", not "text" and "hex"',
      'lab.yaml:6:33: conflicting-keys "bytes" already sets the size; drop "repeat", or drop "bytes" and keep "repeat"',
      'lab.yaml:7:33: bad-key "ignoreCase" applies only to "regex"',
      'lab.yaml:8:34: bad-key "repeat" applies only to "text" and "bytes"',
    ]);
  });
});

describe('expect regex ignoreCase', () => {
  it('matches across case only with the flag', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: e, echo: { banner: "WELCOME\\n", mode: bytes } }
  - connect: { to: e, as: s }
  - expect: { conn: s, regex: "^welcome", ignoreCase: true }
  - send: { conn: s, text: "HELLO" }
  - expect: { conn: s, regex: "^hello", within: 300ms }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'failed']);
    expect(record.steps[2].checks[0].expected).toBe('data matching /^welcome/i');
  });
});

describe('udp bytes / repeat', () => {
  it('one datagram of the size asked, boundaries kept; regex replies with ignoreCase', async () => {
    sizes.length = 0;
    const { record } = await runText(`
name: t
steps:
  - udp: { to: "127.0.0.1:${port}", bytes: 6000, expect: { text: "${'0123456789'.repeat(600)}" } }
  - udp: { to: "127.0.0.1:${port}", text: "PONG", repeat: 2, expect: { regex: "^(pong)+$", ignoreCase: true } }
  - udp: { to: "127.0.0.1:${port}", text: "PONG", expect: { regex: "^pong$" } }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed']);
    expect(sizes).toEqual([6000, 8, 4]);
    expect(record.steps[0].title).toBe(`UDP 6000-byte datagram to 127.0.0.1:${port}`);
    expect(record.steps[1].checks[0].expected).toBe('a datagram matching /^(pong)+$/i');
  });

  it('is checked before it runs: repeat needs a payload, ignoreCase a regex', () => {
    const d = diagnostics(
      'name: t\nsteps:\n  - udp: { to: "127.0.0.1:9", repeat: 2, expect: { text: a, ignoreCase: true } }\n',
      'lab.yaml',
    ).map(formatDiagnostic);
    expect(d).toEqual([
      'lab.yaml:3:31: bad-key "repeat" repeats "text" or "hex"; give one, or use "bytes: N" for a datagram of N bytes',
      'lab.yaml:3:61: bad-key "ignoreCase" applies only to "regex"',
    ]);
  });
});
