import { describe, expect, it } from 'vitest';
import { runText } from '../helpers/scenario.js';
import { CONNECT_WAIT_MS, connectWaitMs } from '../../src/steps/connect.js';

const base = `
name: t
steps:
  - serve: { as: e, echo: { banner: "Welcome\\r\\n" } }
  - connect: { to: e, as: s }
`;

describe('connect / send / expect / close', () => {
  it('send line with crlf and expect the echoed line without its ending', async () => {
    const { record } = await runText(`${base}
  - expect: { conn: s, line: Welcome }
  - send: { conn: s, line: "Ada", eol: crlf }
  - expect: { conn: s, text: "Ada\\r\\n" }
  - send: { conn: s, line: "Bob" }
  - expect: { conn: s, bytes: "42 6f 62 0a" }
`);
    expect(record.steps.map((s) => s.status)).toEqual(Array(7).fill('passed'));
    const sent = record.steps[3].transcript![0];
    expect(sent).toMatchObject({ dir: 'sent', conn: 's', text: 'Ada\r\n' });
  });

  it('an expect that times out shows what arrived instead', async () => {
    const { record } = await runText(`${base}
  - expect: { conn: s, line: Welcome }
  - expect: { conn: s, line: "never sent", within: 200ms }
`);
    expect(record.steps[3].status).toBe('failed');
    expect(record.steps[3].checks[0]).toMatchObject({ expected: 'line "never sent"', actual: 'nothing before the timeout' });
  });

  it('expect eof passes when the peer closes, and fails while it stays open', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve:
      as: once
      command: { run: [node, -e, "require('net').createServer(s => s.end('bye\\\\n')).listen(+process.env.PORT, '127.0.0.1')"] }
  - connect: { to: once, as: c }
  - expect: { conn: c, line: bye }
  - expect: { conn: c, eof: true }
  - serve: { as: e, echo: {} }
  - connect: { to: e, as: s }
  - expect: { conn: s, eof: true, within: 200ms }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'failed']);
  });

  it('connect can expect a refused port', async () => {
    const { record } = await runText(`
name: t
steps:
  - connect: { to: "127.0.0.1:9", as: nope, expect: refused }
`);
    expect(record.steps[0].status).toBe('passed');
    expect(record.steps[0].connection).toMatchObject({ name: 'nope', outcome: 'refused', waitMs: CONNECT_WAIT_MS });
  });

  it('connect waits as long as `wait:` says (issue 16), by default 2s when a timeout is expected', async () => {
    const { record } = await runText(`
name: t
steps:
  - connect: { to: "127.0.0.1:9", as: nope, expect: refused, wait: 300ms }
`);
    expect(record.steps[0].connection).toMatchObject({ outcome: 'refused', waitMs: 300 });
    expect(connectWaitMs({ expect: 'timeout' })).toBe(2000);
    expect(connectWaitMs({ expect: 'timeout', wait: 0.5 })).toBe(500);
    expect(connectWaitMs({})).toBe(5000);
  });

  it('close with reset aborts the connection', async () => {
    const { record } = await runText(`${base}
  - close: { conn: s, reset: true }
`);
    expect(record.steps[2].status).toBe('passed');
    expect(record.steps[2].transcript?.at(-1)?.text).toContain('RST');
  });

  it('regex expectations consume only what they matched', async () => {
    const { record } = await runText(`${base}
  - send: { conn: s, text: "abc123\\nxyz\\n" }
  - expect: { conn: s, regex: "Welcome\\\\r\\\\nabc\\\\d+" }
  - expect: { conn: s, line: "" }
  - expect: { conn: s, line: xyz }
`);
    expect(record.steps.map((s) => s.status)).toEqual(Array(6).fill('passed'));
  });
});

describe('target safety', () => {
  it('a connection to an address outside loopback and the topology is refused before any packet', async () => {
    const { record } = await runText(`
name: t
steps:
  - connect: { to: "192.0.2.1:80", as: c }
`);
    expect(record.steps[0].status).toBe('errored');
    expect(record.steps[0].error?.code).toBe('target-refused');
    expect(record.steps[0].connection).toBeUndefined();
  });
});

describe('a fixture that failed to start', () => {
  it('makes the connect step error with a clear reason', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: bad, command: { run: "exit 1" } }
  - connect: { to: bad, as: c }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['errored', 'errored']);
    expect(record.steps[1].error?.message).toBe('fixture bad is not running (its serve step did not succeed)');
  });
});
