import { describe, expect, it } from 'vitest';
import { parseServer } from '../../src/dns/client.js';
import { canonicalIPv6, countDots, reverseAddress, reverseName } from '../../src/dns/names.js';
import { parseResolvConf } from '../../src/dns/resolv-conf.js';
import { searchCandidates } from '../../src/dns/search.js';

describe('search candidates (glibc res_search order)', () => {
  it('tries the name first when it has at least ndots dots, the suffixes first otherwise', () => {
    expect(searchCandidates('compeng.example', ['home'], 1)).toEqual(['compeng.example', 'compeng.example.home']);
    expect(searchCandidates('compeng.example', ['home'], 2)).toEqual(['compeng.example.home', 'compeng.example']);
    expect(searchCandidates('echo', ['home', 'lab.example.'])).toEqual(['echo.home', 'echo.lab.example', 'echo']);
    expect(searchCandidates('a.b.c', ['x'], 0)).toEqual(['a.b.c', 'a.b.c.x']);
  });

  it('a trailing dot means absolute: no suffixes', () => {
    expect(searchCandidates('Echo.Lab.Example.', ['home'], 5)).toEqual(['echo.lab.example']);
    expect(countDots('a.b.')).toBe(1);
  });
});

describe('reverse names and addresses', () => {
  it('in-addr.arpa and ip6.arpa (as Python ipaddress.reverse_pointer gives them)', () => {
    expect(reverseName('203.0.113.10')).toBe('10.113.0.203.in-addr.arpa');
    expect(reverseName('2001:db8::10')).toBe('0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseName('::ffff:192.0.2.1')).toBe('1.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa');
    expect(reverseName('::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa');
    expect(reverseName('fe80::1:2')).toBe('2.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa');
    expect(reverseName('echo.lab.example')).toBeUndefined();
    expect(canonicalIPv6('2001:0DB8:0:0:0:0:0:0010')).toBe('2001:db8::10');
  });

  it('reads the address back from a reverse name (and nothing from other names)', () => {
    for (const ip of ['203.0.113.10', '2001:db8::10', '::1', '198.51.100.255']) expect(reverseAddress(reverseName(ip)!)).toBe(ip);
    expect(reverseAddress('10.113.0.203.IN-ADDR.ARPA.')).toBe('203.0.113.10');
    expect(reverseAddress('113.0.203.in-addr.arpa')).toBeUndefined();
    expect(reverseAddress('300.113.0.203.in-addr.arpa')).toBeUndefined();
    expect(reverseAddress('compeng.example')).toBeUndefined();
  });

  it('parses servers with and without ports, IPv4 and IPv6', () => {
    expect(parseServer('127.0.0.1')).toEqual({ address: '127.0.0.1', port: 53 });
    expect(parseServer('127.0.0.1:5353')).toEqual({ address: '127.0.0.1', port: 5353 });
    expect(parseServer('::1', 5300)).toEqual({ address: '::1', port: 5300 });
    expect(parseServer('[::1]:5353')).toEqual({ address: '::1', port: 5353 });
    expect(() => parseServer('dns.example:53')).toThrow(/must be an IP address/);
    expect(() => parseServer('127.0.0.1:99999')).toThrow(/must be an IP address/);
  });
});

describe('resolv.conf', () => {
  it('reads nameservers, the last search/domain line and ndots', () => {
    const c = parseResolvConf(
      '# comment\nnameserver 203.0.113.53\nnameserver 127.0.0.1 ; second\ndomain old.example\nsearch home lab.example\noptions rotate ndots:2 timeout:1\n',
    );
    expect(c).toEqual({ nameservers: ['203.0.113.53', '127.0.0.1'], search: ['home', 'lab.example'], ndots: 2 });
    expect(parseResolvConf('')).toEqual({ nameservers: [], search: [], ndots: 1 });
  });
});
