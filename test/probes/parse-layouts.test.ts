/**
 * The session step's readers against the formatters of the same layouts (one layout, one
 * formatter, and the reader takes back what it prints): nmap's port table with and without a
 * `Not shown:` line, traceroute and tracert hops with silent ones and a changed address within
 * a hop, tcpdump's closing counters; and a terminal's redraws turned into the line shown.
 */
import { describe, expect, it } from 'vitest';
import { formatCounters, parseCounters } from '../../src/packets/capture/counters.js';
import { formatNmap } from '../../src/probes/format-nmap.js';
import { formatTraceroute, formatTracert } from '../../src/probes/format-trace.js';
import { parseNmapCommand, parseNmapOutput, portStates } from '../../src/probes/parse-nmap.js';
import { parseTraces } from '../../src/probes/parse-trace.js';
import type { PortResult, ScanResult } from '../../src/probes/scan-types.js';
import type { TraceResult } from '../../src/probes/trace.js';
import { terminalLines } from '../../src/util/terminal-text.js';

const lines = (t: string) => t.split('\n');
const scan = (ports: PortResult[]): ScanResult => ({
  target: '203.0.113.10',
  method: 'syn',
  engine: 'native',
  ports,
  probesSent: ports.length,
  elapsedMs: 41,
  probes: [],
  probesOmitted: 0,
  timeSource: 'kernel',
});
const port = (p: number, state: PortResult['state']): PortResult => ({
  port: p,
  proto: 'tcp',
  state,
  reason: state === 'open' ? 'syn-ack' : 'no-response',
  service: 'unknown',
});

describe('reading back the layouts wirelab prints', () => {
  it("nmap's table: every port listed, or 40 hidden behind one Not shown line", () => {
    const few = Array.from({ length: 10 }, (_, i) => port(50000 + i, i === 7 || i === 8 ? 'open' : 'filtered'));
    const [r] = parseNmapOutput(lines(formatNmap(scan(few))));
    expect([
      ...portStates(
        r,
        few.map((p) => p.port),
      ),
    ]).toEqual(few.map((p) => [p.port, p.state]));
    const many = Array.from({ length: 42 }, (_, i) => port(50000 + i, i === 7 || i === 8 ? 'open' : 'filtered'));
    const [h] = parseNmapOutput(lines(formatNmap(scan(many))));
    expect(h.listed.map((p) => p.port)).toEqual([50007, 50008]);
    expect(h.notShown).toEqual([{ count: 40, state: 'filtered', proto: 'tcp', reason: 'no-response' }]);
    const states = portStates(
      h,
      many.map((p) => p.port),
    );
    expect(many.map((p) => [p.port, states.get(p.port)])).toEqual(many.map((p) => [p.port, p.state]));
    // a count that does not fit the ports scanned says nothing about the others
    expect(portStates(h, [50007, 50008, 50009]).has(50009)).toBe(false);
  });

  it('an nmap command line: scan type, -p in both spellings, targets', () => {
    expect(parseNmapCommand(['-sS', '-Pn', '-n', '-p', '50000-50009', 'server'])).toMatchObject({
      method: 'syn',
      portSpec: '50000-50009',
      targets: ['server'],
    });
    expect(parseNmapCommand(['-p50007,50008', '-sT', '-T4', '203.0.113.10'])).toMatchObject({
      method: 'connect',
      ports: [50007, 50008],
      targets: ['203.0.113.10'],
    });
    expect(parseNmapCommand(['-p', '9-1', 'x']).portError).toMatch(/reversed port range/);
  });

  it('traceroute and tracert hops, silent hops as null', () => {
    const hop = (ttl: number, addrs: (string | null)[]) => ({
      ttl,
      reached: false,
      probes: addrs.map((a) => ({ address: a, rttMs: a ? 0.5 : null })),
    });
    const tr: TraceResult = {
      target: '203.0.113.10',
      probe: 'icmp',
      maxHops: 4,
      engine: 'native',
      timeSource: 'kernel',
      destinationReached: false,
      elapsedMs: 10,
      hops: [
        hop(1, ['198.51.100.1', '198.51.100.1', '198.51.100.1']),
        hop(2, [null, null, null]),
        hop(3, ['192.0.2.6', null, '192.0.2.9']),
        hop(4, [null, null, null]),
      ],
    };
    const want = tr.hops.map((h) => ({ ttl: h.ttl, addresses: h.probes.map((p) => p.address) }));
    expect(parseTraces(lines(formatTraceroute(tr)))).toEqual([
      { style: 'traceroute', target: '203.0.113.10', address: '203.0.113.10', hops: want },
    ]);
    // tracert names one address per hop (the last that answered)
    const tw = parseTraces(lines(formatTracert(tr)))[0];
    expect(tw.hops.map((h) => h.addresses)).toEqual([
      ['198.51.100.1', '198.51.100.1', '198.51.100.1'],
      [null, null, null],
      ['192.0.2.9', null, '192.0.2.9'],
      [null, null, null],
    ]);
  });

  it("tcpdump's closing counters, also after an echoed ^C", () => {
    const c = { captured: 21, received: 23, droppedByKernel: 1, droppedByInterface: 2 };
    expect(parseCounters(lines(formatCounters(c)))).toEqual(c);
    expect(parseCounters(['^C1 packet captured', '1 packet received by filter', '0 packets dropped by kernel'])).toEqual({
      captured: 1,
      received: 1,
      droppedByKernel: 0,
      droppedByInterface: 0,
    });
    expect(parseCounters(['tcpdump: listening on eth0'])).toBeUndefined();
  });

  it('a terminal shows the line after its edits: backspaces, a redraw after \\r, erase to end of line, colours dropped', () => {
    expect(terminalLines('nmpa\b\b\bmap -sS\r\n')).toEqual(['nmap -sS']);
    expect(terminalLines('[lab c] # ls\r[lab c] # nmap\x1b[K\r\n')).toEqual(['[lab c] # nmap']);
    expect(terminalLines('\x1b]0;title\x07\x1b[01;32mok\x1b[0m\r\nnext')).toEqual(['ok', 'next']);
  });
});
