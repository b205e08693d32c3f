import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { diagnostics, runText } from '../helpers/scenario.js';
import { itRoot } from '../helpers/root.js';

/** A UDP echo on loopback that answers each datagram with two: the same bytes, then "second". */
let echo: Socket;
let port = 0;
beforeAll(async () => {
  echo = createSocket('udp4');
  echo.on('message', (m, from) => {
    echo.send(m, from.port, from.address);
    echo.send('second', from.port, from.address);
  });
  await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
  port = echo.address().port;
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

/** A loopback port nothing listens on (bound, then closed): the kernel answers port unreachable. */
async function closedPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const p = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return p;
}

describe('udp step (issue 16)', () => {
  it('sends one datagram and checks the one reply exactly: its boundaries are kept', async () => {
    const { record } = await runText(`
name: t
steps:
  - udp: { to: "127.0.0.1:${port}", text: "ping", expect: { text: ping } }
  - udp: { to: "127.0.0.1:${port}", hex: "00 01 02", expect: { hex: "000102" } }
  - udp: { to: "127.0.0.1:${port}", text: "ping", expect: { text: pingsecond } }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed']);
    expect(record.steps[0].transcript?.map((t) => [t.dir, t.text])).toEqual([
      ['sent', 'ping'],
      ['received', 'ping'],
    ]);
    // the first datagram alone is the reply, not the bytes of both
    expect(record.steps[2].checks[0]).toMatchObject({ expected: '"pingsecond"', actual: '"ping"', passed: false });
  });

  it('tells a refused port (ICMP port unreachable) from a reply', async () => {
    const closed = await closedPort();
    const { record } = await runText(`
name: t
steps:
  - udp: { to: "127.0.0.1:${closed}", text: "x", expect: refused }
  - udp: { to: "127.0.0.1:${closed}", text: "x" }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'failed']);
    expect(record.steps[1].checks[0]).toMatchObject({ expected: 'reply', actual: 'refused' });
  });

  it('is checked before it runs: HOST:PORT only, one payload', () => {
    const d = diagnostics('name: t\nsteps:\n  - udp: { to: echo, text: a, hex: "00" }\n', 'lab.yaml').map(formatDiagnostic);
    expect(d).toEqual([
      'lab.yaml:3:16: bad-target "echo" is not HOST:PORT; a udp step sends to a host and port, e.g. server:7 or 127.0.0.1:5353',
      'lab.yaml:3:31: conflicting-keys a datagram has one payload: give "text" or "hex", not both',
    ]);
  });
});

itRoot('udp between namespaces: refused by a host without a listener, timeout through a dropping firewall', async () => {
  const { record } = await runText(`
name: t
topology:
  hosts:
    client: { ip: 198.51.100.2/24 }
    server: { ip: 198.51.100.3/24 }
    quiet: { ip: 198.51.100.4/24, firewall: { policy: drop } }
steps:
  - udp: { from: client, to: "server:5000", text: "x", expect: refused }
  - udp: { from: client, to: "quiet:5000", text: "x", expect: timeout, within: 300ms }
`);
  expect(record.steps.map((s) => [s.status, s.checks[0]?.actual])).toEqual([
    ['passed', 'refused'],
    ['passed', 'timeout'],
  ]);
});
