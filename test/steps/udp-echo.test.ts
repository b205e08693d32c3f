/** The UDP echo fixture (issue 16): one datagram back per datagram, boundaries kept, named by `udp` steps. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { diagnostics, runText } from '../helpers/scenario.js';
import { itRoot } from '../helpers/root.js';

describe('serve udpEcho', () => {
  it('answers each datagram with the same bytes, after its prefix; a udp step names it', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: u, udpEcho: {} }
  - serve: { as: p, udpEcho: { prefix: "echo: " } }
  - udp: { to: u, text: "ping", expect: { text: ping } }
  - udp: { to: u, hex: "00 01 02", repeat: 2, expect: { hex: "00 01 02 00 01 02" } }
  - udp: { to: p, text: "ping", expect: { text: "echo: ping" } }
  - udp: { to: u, bytes: 3000, expect: { regex: "^(0123456789){300}$" } }
`);
    expect(record.steps.map((s) => s.status)).toEqual(Array(6).fill('passed'));
    expect(record.steps[0].fixture).toMatchObject({ kind: 'udp-echo', address: '127.0.0.1' });
    expect(record.steps[0].transcript?.[0].text).toMatch(/udp-echo fixture u listening on 127\.0\.0\.1:\d+ \(UDP\)/);
  });

  it('a udp step to a TCP fixture is refused with the reason; to an unknown name it is not HOST:PORT', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: e, echo: {} }
  - udp: { to: e, text: "x" }
`);
    expect(record.steps[1].status).toBe('errored');
    expect(record.steps[1].error?.message).toMatch(
      /fixture e is a echo server \(TCP\); a udp step sends to a udpEcho fixture or to HOST:PORT/,
    );
    const d = diagnostics('name: t\nsteps:\n  - udp: { to: nowhere, text: a }\n', 'lab.yaml').map(formatDiagnostic);
    expect(d[0]).toMatch(/^lab\.yaml:3:16: bad-target "nowhere" is not HOST:PORT/);
  });
});

itRoot('a udpEcho fixture on a topology host answers across namespaces; its firewall can reject or drop', async () => {
  const { record } = await runText(`
name: t
topology:
  hosts:
    client: { ip: 198.51.100.2/24 }
    server: { ip: 198.51.100.3/24, firewall: { reject: [udp/9], drop: [udp/10] } }
steps:
  - serve: { as: u, on: server, port: 7, udpEcho: {} }
  - udp: { from: client, to: u, text: "hello", expect: { text: hello } }
  - udp: { from: client, to: "server:9", text: "x", expect: refused }
  - udp: { from: client, to: "server:10", text: "x", expect: timeout, within: 300ms }
`);
  expect(record.steps.map((s) => s.status)).toEqual(Array(4).fill('passed'));
  expect(record.steps[0].fixture).toMatchObject({ address: '198.51.100.3', port: 7 });
});
