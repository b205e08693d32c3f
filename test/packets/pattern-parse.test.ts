import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePattern, parsePatternLine, unknownHosts, type PatternEntry, type PatternItem } from '../../src/packets/pattern/index.js';

function item(text: string): PatternItem {
  const r = parsePatternLine(text);
  if ('error' in r) throw new Error(`${text}: col ${r.error.col}: ${r.error.message}`);
  return r;
}
function err(text: string) {
  const r = parsePatternLine(text);
  if (!('error' in r)) throw new Error(`${text}: parsed, expected an error`);
  return r.error;
}

describe('parsePatternLine: good lines', () => {
  it('a TCP line with endpoints, flags and fields', () => {
    const it = item('server > client [SYN, ACK] mss=1452 win>=1000');
    expect(it).toMatchObject({ kind: 'packet', min: 1, max: 1 });
    expect(it.spec).toMatchObject({
      src: { host: 'server', col: 1 },
      dst: { host: 'client', col: 10 },
      proto: 'tcp',
      flags: { names: ['SYN', 'ACK'], atLeast: false },
      conds: [
        { key: 'mss', op: '=', value: 1452 },
        { key: 'win', op: '>=', value: 1000 },
      ],
    });
  });

  it('ports, IP literals, IPv6 in brackets, wildcards and <>', () => {
    const a = item('client:55182 > *:50007 [SYN]').spec!;
    expect(a.src).toMatchObject({ host: 'client', port: 55182 });
    expect(a.dst).toEqual({ port: 50007, col: 16 });
    const b = item('[::1]:80 <> 192.0.2.7:* tcp').spec!;
    expect(b.src).toMatchObject({ addr: '::1', port: 80 });
    expect(b.dst).toMatchObject({ addr: '192.0.2.7' });
    expect(b.dst!.port).toBeUndefined();
    expect(b.either).toBe(true);
    expect(item('* > server [SYN]')).toMatchObject({ min: 1, max: 1, spec: { src: { col: 1 }, dst: { host: 'server' } } });
    expect(item('*:53 > client udp').spec!.src).toEqual({ port: 53, col: 1 });
    const c = item('server < client [ACK]').spec!;
    expect([c.src!.host, c.dst!.host]).toEqual(['client', 'server']);
  });

  it('data and info: strings with escapes, regexes, exact and negated', () => {
    const s = item('client > server [PSH, ACK] len=14 data="Ada\\r\\n" info=/Seq=\\d+/i data!="x"').spec!;
    expect(s.conds[1]).toEqual({ key: 'data', op: '=', text: 'Ada\r\n' });
    expect((s.conds[2] as { regex: RegExp }).regex.flags).toBe('i');
    expect(s.conds[3]).toMatchObject({ key: 'data', op: '!=' });
    expect(item('udp info=="53 → 40000 Len=12"').spec!.conds[0]).toEqual({ key: 'info', op: '==', text: '53 → 40000 Len=12' });
  });

  it('quantifiers: prefix, suffix, counts, gaps', () => {
    expect(item('?server > client [ACK]')).toMatchObject({ min: 0, max: 1 });
    expect(item('client > server [SYN] +')).toMatchObject({ min: 1, max: Infinity });
    expect(item('* client > server [ACK]')).toMatchObject({ min: 0, max: Infinity });
    expect(item('{2} client > server [SYN]')).toMatchObject({ min: 2, max: 2 });
    expect(item('client > server [SYN] {1,3}')).toMatchObject({ min: 1, max: 3 });
    expect(item('client > server [SYN] {2,}')).toMatchObject({ min: 2, max: Infinity });
    expect(item('...')).toMatchObject({ kind: 'gap', min: 0, max: Infinity });
    expect(item('...{0,5}')).toMatchObject({ kind: 'gap', min: 0, max: 5 });
  });

  it('DNS and ICMP words, at-least flags, protocols without endpoints', () => {
    expect(item('client > dns DNS query A compeng.example.home.').spec).toMatchObject({
      proto: 'dns',
      dns: { response: false, type: 'A', name: 'compeng.example.home', answers: [] },
    });
    expect(item('dns > client DNS response AAAA lab.example 2001:db8::10').spec!.dns).toMatchObject({
      response: true,
      answers: ['2001:db8::10'],
    });
    expect(item('router1 > client ICMP time-exceeded').spec!.icmp).toMatchObject({ type: 11 });
    expect(item('ICMPv6 port-unreachable').spec!.icmp).toEqual({ type: 1, codes: [4], word: 'port-unreachable' });
    expect(item('[SYN, *]').spec).toMatchObject({ proto: 'tcp', flags: { names: ['SYN'], atLeast: true } });
    expect(item('arp').spec!.proto).toBe('arp');
  });
});

describe('parsePatternLine: errors carry the column', () => {
  const cases: [string, number, RegExp][] = [
    ['client > server [SYN, ACX]', 23, /unknown TCP flag "ACX"/],
    ['client > server [SYN', 21, /"," or "]"|closing/],
    ['client > server [SYN] len=abc', 27, /number/],
    ['client > server [SYN] foo=3', 23, /unknown field "foo"/],
    ['client > server [SYN] data="abc', 28, /unterminated string/],
    ['client > server data=/a(/', 22, /bad regular expression/],
    ['client > server:99999 [SYN]', 17, /port 99999/],
    ['client > server [SYN] sometimes', 23, /unexpected word "sometimes"/],
    ['ICMP exploded', 6, /unknown ICMP kind/],
    ['client > 1.2.3 [SYN]', 10, /not a host name or address/],
    ['', 1, /empty/],
    ['... client', 5, /nothing may follow/],
    ['client > server [SYN] + more', 23, /must end the line/],
    ['{3,1} client > server', 1, /below the minimum/],
    ['udp [SYN]', 1, /TCP flags on a UDP packet/],
    ['client > server data==/x/ len==3', 30, /numbers compare with "="/],
  ];
  for (const [text, col, re] of cases) {
    it(`${JSON.stringify(text)} → col ${col}`, () => {
      const e = err(text);
      expect(e.message).toMatch(re);
      expect(e.col).toBe(col);
    });
  }

  it('lists what was expected', () => {
    expect(err('client > server [SYN, ACX]').expected).toContain('ACK');
    expect(err('client > server data~"x"').expected).toContain('key=value');
  });
});

describe('parsePattern', () => {
  it('collects items and ignore options', () => {
    const r = parsePattern([{ ignore: ['pure-acks', 'retransmissions'] }, 'client > server [SYN]', '...', { ignore: 'pure-acks' }]);
    if ('errors' in r) throw new Error(JSON.stringify(r.errors));
    expect(r.pattern.items.map((i) => i.kind)).toEqual(['packet', 'gap']);
    expect(r.pattern.ignore).toEqual(['pure-acks', 'retransmissions']);
  });

  it('reports every bad entry with its index and column', () => {
    const r = parsePattern(['client > server [SYN]', 'client > server [SYM]', { ignore: 'everything' }, 'x > y len=']);
    expect('errors' in r && r.errors.map((e) => [e.index, e.col])).toEqual([
      [1, 18],
      [2, 1],
      [3, 11],
    ]);
  });

  it('{ any: [...] } alternatives with an optional count; errors inside them', () => {
    const r = parsePattern([{ any: ['server > client [RST, ACK]', 'server > client [RST]'], count: '+' }]);
    if ('errors' in r) throw new Error(JSON.stringify(r.errors));
    expect(r.pattern.items[0]).toMatchObject({
      kind: 'packet',
      min: 1,
      max: Infinity,
      text: 'any of: server > client [RST, ACK] | server > client [RST] +',
    });
    expect(r.pattern.items[0].anyOf).toHaveLength(2);
    const bad = parsePattern([{ any: ['server > client [RST', 'client > server [SYN] +'], count: '{2' }, { any: [] }]);
    expect('errors' in bad && bad.errors.map((e) => [e.index, e.col])).toEqual([
      [0, 21],
      [0, 1],
      [0, 3],
      [1, 1],
    ]);
  });

  it('unknownHosts finds names the topology does not have, with columns', () => {
    expect(
      unknownHosts(['client > server [SYN]', 'sever > client [ACK]', '...', { any: ['client > srv [RST]'] }], ['client', 'server']),
    ).toEqual([
      { index: 1, col: 1, message: 'unknown host "sever" (did you mean "server"?)', expected: ['client', 'server'] },
      { index: 3, col: 10, message: 'unknown host "srv"', expected: ['client', 'server'] },
    ]);
  });
});

describe('patterns as scenario authors write them in YAML', () => {
  it('plain (unquoted) block-list lines survive YAML, comments included', () => {
    const doc = parse(`packets:
  - ignore: pure-acks
  - client > server [SYN]
  - server > client [SYN, ACK] mss=1452
  - server > client [PSH, ACK] len=37 data="Welcome"
  - ...                      # any number of packets (gap)
  - client > server [PSH, ACK] len=14 data=/Raeed/
  - ?server > client [ACK]   # optional packet
  - client > server [ACK] *
  - client > server [SYN] {2}
  - client:55182 > *:50007 [SYN]
  - client > dns DNS query A compeng.example.home
  - any:
      - server > client [RST]
      - server > client [RST, ACK]
    count: "+"
`) as { packets: PatternEntry[] };
    const r = parsePattern(doc.packets);
    if ('errors' in r) throw new Error(JSON.stringify(r.errors));
    expect(r.pattern.ignore).toEqual(['pure-acks']);
    expect(r.pattern.items.map((i) => [i.kind, i.min, i.max])).toEqual([
      ['packet', 1, 1],
      ['packet', 1, 1],
      ['packet', 1, 1],
      ['gap', 0, Infinity],
      ['packet', 1, 1],
      ['packet', 0, 1],
      ['packet', 0, Infinity],
      ['packet', 2, 2],
      ['packet', 1, 1],
      ['packet', 1, 1],
      ['packet', 1, Infinity],
    ]);
    expect(r.pattern.items[3].text).toBe('...');
  });
});
