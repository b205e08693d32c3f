import { describe, expect, it } from 'vitest';
import { formatNmap, table } from '../../src/probes/format-nmap.js';
import { formatTraceroute, formatTracert } from '../../src/probes/format-trace.js';
import type { PortResult, ScanResult } from '../../src/probes/scan-types.js';
import type { TraceResult } from '../../src/probes/trace.js';

function scanOf(ports: PortResult[], method: 'connect' | 'syn' = 'connect'): ScanResult {
  return {
    target: '198.51.100.2',
    method,
    engine: 'native',
    ports,
    probesSent: ports.length,
    elapsedMs: 41,
    probes: [],
    probesOmitted: 0,
    timeSource: 'kernel',
  };
}
const port = (p: number, state: PortResult['state'], reason: string, service = 'unknown'): PortResult => ({
  port: p,
  proto: 'tcp',
  state,
  reason,
  service,
});

describe('formatNmap', () => {
  it('lays out a UDP scan like nmap -sU: udp ports, open|filtered, and its "Not shown" words', () => {
    const closed = Array.from({ length: 30 }, (_, i) => ({ ...port(40000 + i, 'closed', 'port-unreach'), proto: 'udp' as const }));
    const out = formatNmap({
      ...scanOf([
        { ...port(53, 'open', 'udp-response', 'domain'), proto: 'udp' },
        { ...port(69, 'open|filtered', 'no-response', 'tftp'), proto: 'udp' },
        ...closed,
      ]),
      method: 'udp',
    });
    expect(out.split('\n').slice(1, 5)).toEqual([
      'Not shown: 30 closed udp ports (port-unreach)',
      'PORT   STATE         SERVICE',
      '53/udp open          domain',
      '69/udp open|filtered tftp',
    ]);
    expect(out).toContain('(UDP scan, 32 probes)');
  });

  it('pads columns to the widest cell like nmap 7.93', () => {
    const out = formatNmap(scanOf([port(22, 'closed', 'conn-refused', 'ssh'), port(2024, 'open', 'syn-ack', 'xinuexpansion4')]));
    expect(out.split('\n').slice(0, 5)).toEqual([
      'wirelab scan report for 198.51.100.2',
      '',
      'PORT     STATE  SERVICE',
      '22/tcp   closed ssh',
      '2024/tcp open   xinuexpansion4',
    ]);
  });

  it('hides a state with more than 25 ports behind "Not shown:" and keeps 25', () => {
    const many = Array.from({ length: 65533 }, (_, i) => port(i + 1, 'closed', 'conn-refused'));
    const res = scanOf([...many, port(65534, 'open', 'syn-ack'), port(65535, 'filtered', 'no-response')]);
    const lines = formatNmap(res).split('\n');
    expect(lines[1]).toBe('Not shown: 65533 closed tcp ports (conn-refused)');
    expect(lines[2]).toBe('PORT      STATE    SERVICE');
    expect(lines[3]).toBe('65534/tcp open     unknown');
    expect(lines[4]).toBe('65535/tcp filtered unknown');
    const exactly25 = Array.from({ length: 25 }, (_, i) => port(i + 1, 'filtered', 'no-response'));
    expect(formatNmap(scanOf(exactly25))).not.toContain('Not shown');
  });

  it('lists several hidden states largest first, singular for one port, and the all-ignored line', () => {
    const res = scanOf(
      [
        ...Array.from({ length: 30 }, (_, i) => port(i + 1, 'filtered', 'no-response')),
        ...Array.from({ length: 40 }, (_, i) => port(i + 100, 'closed', 'reset')),
      ],
      'syn',
    );
    const lines = formatNmap(res).split('\n');
    expect(lines[1]).toBe('All 70 scanned ports on 198.51.100.2 are in ignored states.');
    expect(lines[2]).toBe('Not shown: 40 closed tcp ports (reset), 30 filtered tcp ports (no-response)');
    expect(lines).not.toContain('PORT');
    // nmap 7.93 -sT of 30 closed ports on 127.0.0.1: one blank line, then "Nmap done"
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(/^wirelab done: 70 ports \(SYN scan, \d+ probes?\)/);
  });

  it('says "probe" for one probe', () => {
    expect(formatNmap({ ...scanOf([port(80, 'open', 'syn-ack')]), probesSent: 1 })).toContain('(connect scan, 1 probe) scanned in');
  });

  it('splits a hidden state by reason, largest state first, as nmap 7.93 does', () => {
    const res = scanOf(
      [
        ...Array.from({ length: 30 }, (_, i) => port(50000 + i, 'filtered', 'no-response')),
        ...Array.from({ length: 40 }, (_, i) => port(50030 + i, 'filtered', 'port-unreach')),
        ...Array.from({ length: 31 }, (_, i) => port(50100 + i, 'closed', 'reset')),
        port(50200, 'filtered', 'host-unreach'),
      ],
      'syn',
    );
    // nmap 7.93 -sS printed this line for the same ports in a namespace (without the host-unreach one)
    expect(formatNmap(res).split('\n')[2]).toBe(
      'Not shown: 40 filtered tcp ports (port-unreach), 30 filtered tcp ports (no-response), 1 filtered tcp port (host-unreach), 31 closed tcp ports (reset)',
    );
  });

  it('adds the REASON column on request', () => {
    expect(formatNmap(scanOf([port(80, 'filtered', 'no-response', 'http')]), { reason: true })).toContain(
      'PORT   STATE    SERVICE REASON\n80/tcp filtered http    no-response\n',
    );
  });

  it('table() never pads the last column', () => {
    expect(
      table([
        ['a', 'bb'],
        ['ccc', 'd'],
      ]),
    ).toEqual(['a   bb', 'ccc d']);
  });
});

const tr: TraceResult = {
  target: '203.0.113.2',
  probe: 'udp',
  maxHops: 8,
  engine: 'native',
  timeSource: 'kernel',
  destinationReached: true,
  elapsedMs: 1000,
  hops: [
    {
      ttl: 1,
      reached: false,
      probes: [
        { address: '198.51.100.2', rttMs: 0.046 },
        { address: '198.51.100.2', rttMs: 0.004 },
        { address: '198.51.100.2', rttMs: 0.006 },
      ],
    },
    {
      ttl: 2,
      reached: false,
      probes: [
        { address: null, rttMs: null },
        { address: null, rttMs: null },
        { address: null, rttMs: null },
      ],
    },
    {
      ttl: 3,
      reached: false,
      probes: [
        { address: null, rttMs: null },
        { address: '198.51.100.10', rttMs: 0.1 },
        { address: '198.51.100.14', rttMs: 1.25 },
      ],
    },
    {
      ttl: 4,
      reached: true,
      probes: [
        { address: '203.0.113.2', rttMs: 12.3456 },
        { address: null, rttMs: null },
        { address: '203.0.113.2', rttMs: 0.2, annotation: '!H' },
      ],
    },
  ],
};

describe('formatTraceroute', () => {
  it('prints hops like Linux traceroute -n, with stars and addresses inline when they change', () => {
    expect(formatTraceroute(tr)).toBe(
      [
        'traceroute to 203.0.113.2 (203.0.113.2), 8 hops max, 60 byte packets',
        ' 1  198.51.100.2  0.046 ms  0.004 ms  0.006 ms',
        ' 2  * * *',
        ' 3  * 198.51.100.10  0.100 ms 198.51.100.14  1.250 ms',
        ' 4  203.0.113.2  12.346 ms *  0.200 ms !H',
        '',
      ].join('\n'),
    );
  });

  it('prints tracert style', () => {
    const lines = formatTracert(tr).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '',
      'Tracing route to 203.0.113.2 over a maximum of 8 hops',
      '',
      '  1    <1 ms    <1 ms    <1 ms  198.51.100.2',
      '  2     *        *        *     Request timed out.',
    ]);
    expect(lines[6]).toBe('  4    12 ms     *       <1 ms  203.0.113.2 reports: Destination host unreachable.');
    expect(lines.slice(-3)).toEqual(['', 'Trace complete.', '']);
  });

  it('names hops (and a named target) as tracert does, `name [address]`, with a lost probe as a star', () => {
    const names = new Map([
      ['198.51.100.2', 'mynetwork'],
      ['203.0.113.2', 'server.lab.example'],
    ]);
    const lines = formatTracert(tr, names).split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '',
      'Tracing route to server.lab.example [203.0.113.2]',
      'over a maximum of 8 hops:',
      '',
      '  1    <1 ms    <1 ms    <1 ms  mynetwork [198.51.100.2]',
      '  2     *        *        *     Request timed out.',
    ]);
    // hop 3: a lost first probe, then two answers from different routers (tracert names the last)
    expect(lines[6]).toBe('  3     *       <1 ms     1 ms  198.51.100.14');
    expect(lines[7]).toBe('  4    12 ms     *       <1 ms  server.lab.example [203.0.113.2] reports: Destination host unreachable.');
  });
});
