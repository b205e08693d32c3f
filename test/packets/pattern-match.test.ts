import { describe, expect, it } from 'vitest';
import { matchPackets, parsePattern, type PatternEntry, type MatchOptions } from '../../src/packets/pattern/index.js';
import { UsageError } from '../../src/errors.js';
import type { DecodedPacket } from '../../src/packets/types.js';
import { C, R, S, dnsQuery, echoSession, hosts, icmp, numbered, tcp } from './pattern-fixtures.js';

function match(lines: PatternEntry[], packets: DecodedPacket[], opts?: MatchOptions) {
  const r = parsePattern(lines);
  if ('errors' in r) throw new Error(JSON.stringify(r.errors));
  return matchPackets(r.pattern, packets, hosts, opts);
}

const handshake = ['client > server [SYN] mss=1460', 'server > client [SYN, ACK] mss=1452', 'client > server [ACK]'];
const teardown = ['client > server [FIN, ACK]', 'server > client [FIN, ACK]', 'client > server [ACK]'];

describe('matchPackets: the echo session', () => {
  it('matches the full session line by line, with mapping', () => {
    const m = match(
      [
        ...handshake,
        'server > client [PSH, ACK] len=31 data="Welcome"',
        'client > server [ACK]',
        'client > server [PSH, ACK] len=13 data=/Raed/',
        '?server > client [ACK]',
        'server > client [PSH, ACK] data="Raed Hassan\\r\\n"',
        'client > server [ACK]',
        ...teardown,
      ],
      echoSession(),
    );
    expect(m.ok).toBe(true);
    expect(m.fraction).toBe(1);
    expect(m.matchedItems).toBe(12);
    expect(m.mapping).toEqual([[1], [2], [3], [4], [5], [6], [7], [8], [9], [10], [11], [12]]);
    expect(m.report).toMatch(/^packet pattern matched: all 12 expected items in 12 packets/);
  });

  it('gaps are lazy and anchored: handshake … teardown', () => {
    const m = match([...handshake, '...', ...teardown], echoSession());
    expect(m.ok).toBe(true);
    expect(m.mapping[3]).toEqual([4, 5, 6, 7, 8, 9]);
    expect(m.mapping[6]).toEqual([12]);
  });

  it('without a gap the extra packets fail the match, with partial credit', () => {
    const m = match([...handshake, ...teardown], echoSession());
    expect(m.ok).toBe(false);
    expect(m.unexpected).toEqual([4, 5, 6, 7, 8, 9]);
    expect(m.matchedItems).toBe(6);
    expect(m.fraction).toBeCloseTo(6 / 7);
    expect(m.report).toMatch(
      /first divergence: packet No\. 4 .* is not expected after No\. 3; expected item 4 `client > server \[FIN, ACK\]`/,
    );
  });

  it('ignore: pure-acks lets the kernel coalesce or add ACKs', () => {
    const coalesced = echoSession().filter((p) => ![5, 7, 9].includes(p.no));
    const lines = [
      { ignore: 'pure-acks' },
      ...handshake,
      'server > client [PSH, ACK] data="Welcome"',
      'client > server [PSH, ACK]',
      'server > client [PSH, ACK]',
      ...teardown,
    ];
    expect(match(lines, echoSession()).ok).toBe(true);
    expect(match(lines, numbered(coalesced)).ok).toBe(true);
    // Without the option the separate ACKs are unexpected.
    expect(match(lines.slice(1), echoSession()).ok).toBe(false);
    // The handshake ACK is still taken by its own item (not skipped).
    expect(match(lines, echoSession()).mapping[2]).toEqual([3]);
  });

  it('optional and repeated items', () => {
    const syns = numbered([tcp('>', ['SYN']), tcp('>', ['SYN']), tcp('>', ['SYN']), tcp('<', ['RST', 'ACK'])]);
    expect(match(['client > server [SYN] +', 'server > client [RST, ACK]'], syns).mapping[0]).toEqual([1, 2, 3]);
    expect(match(['{3} client > server [SYN]', 'server > client [RST, ACK]'], syns).ok).toBe(true);
    expect(match(['{2} client > server [SYN]', 'server > client [RST, ACK]'], syns).ok).toBe(false);
    expect(match(['client > server [SYN] {1,2}', '...', 'server > client [RST, ACK]'], syns).mapping[0]).toEqual([1, 2]);
    expect(match(['client > server [SYN] *', '?client > server [FIN]', 'server > client [RST, ACK]'], syns).ok).toBe(true);
    expect(match(['client > server [SYN] {4,}', 'server > client [RST, ACK]'], syns).ok).toBe(false);
  });

  it('{ any: [...] } takes a packet matching any alternative', () => {
    const p = numbered([tcp('>', ['SYN']), tcp('<', ['RST']), tcp('>', ['SYN']), tcp('<', ['RST', 'ACK'])]);
    const any = { any: ['server > client [RST, ACK]', 'server > client [RST]'] };
    const m = match(['client > server [SYN]', any, 'client > server [SYN]', any], p);
    expect(m.ok).toBe(true);
    expect(m.mapping).toEqual([[1], [2], [3], [4]]);
    expect(match(['client > server [SYN]', { any: ['server > client [SYN, ACK]', 'server > client [FIN]'] }, '...'], p).ok).toBe(false);
  });

  it('greedy repeats give back packets the next item needs (backtracking)', () => {
    const acks = numbered([tcp('>', ['ACK']), tcp('>', ['ACK']), tcp('>', ['ACK'], { data: 'x' })]);
    const m = match(['client > server [ACK] +', 'client > server [ACK] len=1'], acks);
    expect(m.ok).toBe(true);
    expect(m.mapping).toEqual([[1, 2], [3]]);
    const n = match(['client > server [ACK] *', 'client > server [ACK]', 'client > server [ACK]'], acks);
    expect(n.mapping).toEqual([[1], [2], [3]]);
  });

  it('flags: exact set vs at least; <> either direction; ports', () => {
    const p = numbered([tcp('<', ['SYN', 'ACK', 'ECE'])]);
    expect(match(['server > client [SYN, ACK]'], p).ok).toBe(false);
    expect(match(['server > client [SYN, ACK, *]'], p).ok).toBe(true);
    expect(match(['client <> server [SYN, *]'], p).ok).toBe(true);
    expect(match(['client > server [SYN, *]'], p).ok).toBe(false);
    expect(match(['server:50007 > client:55182 tcp'], p).ok).toBe(true);
    expect(match(['*:50008 > client tcp'], p).ok).toBe(false);
    expect(match([`${S} > ${C} tcp win=64240 seq=0 ack!=5`], p).ok).toBe(true);
  });

  it('IPv6 literals and host entries with ports (loopback labs)', () => {
    const v6 = (p: DecodedPacket, src: string, dst: string) => ({
      ...p,
      ip: { ...p.ip!, version: 6 as const, src, dst },
      source: src,
      destination: dst,
    });
    const p = numbered([v6(tcp('>', ['SYN']), '::1', '::1'), v6(tcp('<', ['SYN', 'ACK']), '::1', '::1')]);
    const r = parsePattern(['client > server [SYN]', 'server > client [SYN, ACK]']);
    if ('errors' in r) throw new Error('parse');
    expect(matchPackets(r.pattern, p, { hosts: { client: ['::1'], server: ['[::1]:50007'] } }).ok).toBe(true);
    expect(matchPackets(r.pattern, p, { hosts: { client: ['::1'], server: ['[::1]:50008'] } }).ok).toBe(false);
    expect(match(['[::1] > [::1]:50007 [SYN]', '[::1]:50007 <> [::1] [SYN, ACK]'], p).ok).toBe(true);
  });

  it('ignore: retransmissions', () => {
    const p = numbered([tcp('>', ['SYN']), tcp('>', ['SYN'], { analysis: ['TCP Retransmission'] }), tcp('<', ['SYN', 'ACK'])]);
    expect(match(['client > server [SYN]', 'server > client [SYN, ACK]'], p).ok).toBe(false);
    expect(match(['client > server [SYN]', 'server > client [SYN, ACK]'], p, { ignore: ['retransmissions'] }).ok).toBe(true);
  });

  it('DNS, ICMP and info= lines', () => {
    const p = numbered([
      dnsQuery('compeng.example.home', 'A'),
      dnsQuery('compeng.example.home', 'A', true, ['203.0.113.10']),
      icmp(R, C, 11, 0, 'Time-to-live exceeded (Time to live exceeded in transit)'),
      icmp(S, C, 3, 3, 'Destination unreachable (Port unreachable)'),
    ]);
    expect(
      match(
        [
          'client > dns DNS query A compeng.example.home',
          'dns > client DNS response A compeng.example.home 203.0.113.10',
          'router1 > client ICMP time-exceeded',
          'server > client ICMP port-unreachable info=/Port unreachable/',
        ],
        p,
      ).ok,
    ).toBe(true);
    expect(match(['client > dns DNS query AAAA compeng.example.home', '...'], p).ok).toBe(false);
    expect(match(['...', 'router1 > client ICMP echo-reply', '...'], p).ok).toBe(false);
  });

  it('unknown host names throw a UsageError', () => {
    expect(() => match(['client > nowhere [SYN]'], echoSession())).toThrow(UsageError);
  });

  it('is deterministic', () => {
    const lines = [{ ignore: 'pure-acks' }, '...', 'client > server [PSH, ACK] *', '...', ...teardown];
    const a = match(lines, echoSession());
    const b = match(lines, echoSession());
    expect(a).toEqual(b);
    expect(a.ok).toBe(true);
  });
});

describe('matchPackets: failure reports', () => {
  it('a missing SYN-ACK: the divergence, the closest packet and the table', () => {
    const pkts = echoSession().map((p) =>
      p.no === 2 ? { ...p, tcp: { ...p.tcp!, flags: ['RST', 'ACK'] }, info: '50007 → 55182 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0' } : p,
    );
    const m = match([...handshake, '...', ...teardown], pkts);
    expect(m.ok).toBe(false);
    expect(m.matchedItems).toBe(5);
    expect(m.fraction).toBeCloseTo(5 / 7);
    const lines = m.report.split('\n');
    expect(lines[0]).toBe('packet pattern FAILED: 5 of 6 expected items matched; 1 unexpected packet');
    expect(lines[1]).toBe(
      'first divergence: expected item 2 `server > client [SYN, ACK] mss=1452` was not found after No. 1; closest: No. 2 (flags [RST, ACK], expected [SYN, ACK])',
    );
    const div = lines.filter((l) => l.startsWith('>>'));
    expect(div).toHaveLength(1);
    expect(div[0]).toMatch(/^>>\s+2 {2}server > client \[SYN, ACK\] mss=1452\s+\(not found\)$/);
    expect(lines.some((l) => /^\+\s+\(unexpected\)\s+2 {2}203\.0\.113\.10 → 198\.51\.100\.55 {2}50007 → 55182 \[RST, ACK\]/.test(l))).toBe(
      true,
    );
    expect(
      lines.some((l) =>
        /^\s+1 {2}client > server \[SYN\] mss=1460\s+1 {2}198\.51\.100\.55 → 203\.0\.113\.10 {2}55182 → 50007 \[SYN\]/.test(l),
      ),
    ).toBe(true);
  });

  it('the closest packet names each failing part', () => {
    const m = match([...handshake, 'server > client [PSH, ACK] len=37 data="Hello" win<100', '...'], echoSession());
    expect(m.report.split('\n')[1]).toBe(
      'first divergence: expected item 4 `server > client [PSH, ACK] len=37 data="Hello" win<100` was not found after No. 3; ' +
        'closest: No. 4 (len=31, expected len=37; payload does not contain "Hello"; win=64240, expected win<100)',
    );
  });

  it('long gaps are collapsed in the table; ignored packets are marked', () => {
    const many = numbered([
      tcp('>', ['SYN']),
      ...Array.from({ length: 20 }, () => tcp('>', ['PSH', 'ACK'], { data: 'x' })),
      tcp('>', ['ACK']),
      tcp('>', ['FIN', 'ACK']),
    ]);
    const m = match([{ ignore: 'pure-acks' }, 'client > server [SYN]', '...', 'client > server [FIN, ACK]'], many);
    expect(m.ok).toBe(true);
    expect(m.report).toContain('… 17 more packets like these');
    const n = match(
      [{ ignore: 'pure-acks' }, 'client > server [SYN]', 'client > server [PSH, ACK] {20}', 'client > server [FIN, ACK]'],
      many,
    );
    expect(n.ok).toBe(true);
    expect(n.report.split('\n').some((l) => /^-\s+\(ignored: pure-acks\)\s+22 /.test(l))).toBe(true);
  });
});

describe('matchPackets: bounded on large captures', () => {
  it('10,000 packets with gaps, repeats and optionals, matching and failing', () => {
    const body = Array.from({ length: 9_994 }, (_, i) =>
      tcp(i % 2 ? '<' : '>', i % 3 ? ['ACK'] : ['PSH', 'ACK'], { data: i % 3 ? '' : 'chunk' }),
    );
    const pkts = numbered([
      tcp('>', ['SYN']),
      tcp('<', ['SYN', 'ACK']),
      tcp('>', ['ACK']),
      ...body,
      ...teardown.map((_, i) => tcp(i === 1 ? '<' : '>', i === 2 ? ['ACK'] : ['FIN', 'ACK'])),
    ]);
    expect(pkts).toHaveLength(10_000);
    const lines = [
      'client > server [SYN]',
      'server > client [SYN, ACK]',
      'client > server [ACK]',
      '...',
      'client > server [PSH, ACK] +',
      '...',
      '?server > client [ACK]',
      '...',
      ...teardown,
    ];
    const ok = match(lines, pkts);
    expect(ok.ok).toBe(true);
    expect(ok.mapping[0]).toEqual([1]);
    expect(ok.mapping[10]).toEqual([10_000]);
    const bad = match([...lines.slice(0, -1), 'server > client [RST]'], pkts);
    expect(bad.ok).toBe(false);
    expect(bad.matchedItems).toBe(7);
    expect(bad.unexpected).toEqual([10_000]);
    expect(bad.report.split('\n').length).toBeLessThan(60);
  });
});

describe('matchPackets: line weights for partial credit', () => {
  const session = () => numbered(echoSession().slice(0, 3)); // handshake only, no teardown
  it('{ packet: line, weight } makes a line worth more or nothing; unweighted lines weigh 1', () => {
    const plain = match([...handshake, ...teardown], session());
    expect(plain.fraction).toBeCloseTo(3 / 6);
    const heavyTeardown = match([...handshake, ...teardown.map((packet) => ({ packet, weight: 3 }))], session());
    expect(heavyTeardown.matchedItems).toBe(3);
    expect(heavyTeardown.fraction).toBeCloseTo(3 / 12);
    const freeHandshake = match([...handshake.map((packet) => ({ packet, weight: 0 })), ...teardown], session());
    expect(freeHandshake.ok).toBe(false);
    expect(freeHandshake.fraction).toBe(0);
  });

  it('a weight-0 line must still match for the sequence to pass', () => {
    const m = match([{ packet: handshake[0], weight: 0 }, ...handshake.slice(1)], session());
    expect(m.ok).toBe(true);
    expect(m.fraction).toBe(1);
    expect(match([{ packet: 'client > server [RST]', weight: 0 }, ...handshake.slice(1)], session()).ok).toBe(false);
  });

  it('`any` entries take a weight; a bad weight is an error of its entry', () => {
    const m = match([{ any: [handshake[0]], weight: 2 }, ...handshake.slice(1), { packet: teardown[0], weight: 2 }], session());
    expect(m.fraction).toBeCloseTo(4 / 6);
    const bad = parsePattern([handshake[0], { packet: handshake[1], weight: -1 }] as PatternEntry[]);
    expect('errors' in bad && bad.errors.map((e) => [e.index, e.message])).toEqual([[1, 'weight must be a number ≥ 0, got -1']]);
  });

  it('unexpected packets count as one more missed line of the mean weight', () => {
    const all = [...handshake.map((packet) => ({ packet, weight: 10 }))];
    const m = match(all, numbered(echoSession().slice(0, 4)));
    expect(m.ok).toBe(false);
    expect(m.fraction).toBeCloseTo(30 / 40);
  });
});
