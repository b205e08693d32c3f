import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/servers/command.js';
import { diagnostics, runText } from '../helpers/scenario.js';

const root = process.getuid?.() === 0;

const bound = (s: Socket) => new Promise<number>((resolve) => s.bind(0, '127.0.0.1', () => resolve(s.address().port)));
/** A UDP port nothing listens on (bound once by us, then released). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  const port = await bound(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('scan and traceroute steps on loopback', () => {
  it.each(root ? ['connect', 'syn'] : ['connect'])('a %s scan checks open and closed ports, with partial credit', async (method) => {
    const open = await freePort('127.0.0.1');
    const ports = `${open}-${open + 3}`;
    const { record } = await runText(`
name: t
steps:
  - serve: { as: e, echo: {}, port: ${open} }
  - scan: { target: 127.0.0.1, ports: "${ports}", method: ${method}, expect: { open: [${open}], closed: rest } }
  - scan: { target: 127.0.0.1, ports: "${ports}", method: ${method}, expect: { open: [${open}, ${open + 1}], closed: rest } }
    points: 4
    partial: true
  - scan: { target: 127.0.0.1, ports: "${ports}", method: ${method}, expect: { open: [${open}, ${open + 1}], closed: rest } }
    points: 4
`);
    const [, good, bad, allOrNothing] = record.steps;
    expect(good.status).toBe('passed');
    expect(good.probe).toMatchObject({ kind: 'scan', method, target: '127.0.0.1' });
    expect(bad.status).toBe('failed');
    const failed = bad.checks.find((c) => !c.passed)!;
    expect(failed.actual).toContain(`${open + 1} is closed`);
    // open check: 1 of 2 ports right; closed check: 2 of 2 → (0.5 + 1) / 2 of 4 points
    expect(bad.earned).toBe(3);
    // without partial: true a graded step earns its points only when every check passes
    expect(allOrNothing.status).toBe('failed');
    expect(allOrNothing.earned).toBe(0);
  });

  it('a UDP scan tells open, closed and open|filtered apart and checks each list', async () => {
    const answering = createSocket('udp4');
    const silent = createSocket('udp4');
    answering.on('message', (_m, r) => answering.send('pong', r.port, r.address));
    try {
      const a = await bound(answering);
      const q = await bound(silent);
      const closed = await freeUdpPort();
      const { record } = await runText(`
name: t
steps:
  - scan: { target: 127.0.0.1, ports: [${a}, ${q}, ${closed}], method: udp, expect: { open: [${a}], "open|filtered": [${q}], closed: rest } }
`);
      expect(record.steps[0].status).toBe('passed');
      expect(record.steps[0].probe).toMatchObject({ kind: 'scan', method: 'udp' });
      expect(record.steps[0].checks.map((c) => c.title)).toEqual(['open ports', 'closed ports', 'open|filtered ports']);
    } finally {
      answering.close();
      silent.close();
    }
  });

  it('open|filtered is a UDP state: expecting it of a TCP scan is a validation error', () => {
    const d = diagnostics('name: t\nsteps:\n  - scan: { target: 127.0.0.1, ports: 1-10, expect: { "open|filtered": rest } }\n');
    expect(d.map((x) => [x.line, x.code])).toEqual([[3, 'bad-value']]);
    expect(d[0].message).toContain('method: udp');
  });

  it('refuses targets outside loopback and the topology before sending anything', async () => {
    const { record } = await runText(`
name: t
steps:
  - scan: { target: 192.0.2.1, ports: "80" }
`);
    expect(record.steps[0].status).toBe('errored');
    expect(record.steps[0].error).toMatchObject({ code: 'target-refused' });
  });

  it.runIf(root)('traceroute to loopback reaches it at hop 1', async () => {
    const { record } = await runText(`
name: t
steps:
  - traceroute: { target: 127.0.0.1, maxHops: 3, expect: { hops: [127.0.0.1], reached: true } }
`);
    expect(record.steps[0].status).toBe('passed');
  });

  it('checks port lists against the scanned range and host names', () => {
    const d = diagnostics(
      'name: t\nsteps:\n  - scan: { target: 127.0.0.1, ports: 1-10, expect: { open: [80], closed: rest, filtered: rest } }\n  - traceroute: { target: server }\n',
    );
    expect(d.map((x) => [x.line, x.code])).toEqual([
      [3, 'bad-value'],
      [3, 'bad-value'],
      [4, 'unknown-host'],
    ]);
  });
});
