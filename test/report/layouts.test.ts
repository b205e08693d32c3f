import { describe, expect, it } from 'vitest';
import { nmapSeconds, portSpec, resolveView, scanView, tracerouteView } from '../../src/report/probe-view.js';

describe('nmap layout', () => {
  it('portSpec joins consecutive ports into ranges', () => {
    expect(portSpec([50009, 50000, 50001, 50002, 50005, 80, 80])).toBe('80,50000-50002,50005,50009');
    expect(portSpec([8000])).toBe('8000');
  });
  it('nmapSeconds keeps two significant digits like nmap', () => {
    expect(nmapSeconds(30)).toBe('0.030s');
    expect(nmapSeconds(0.15)).toBe('0.00015s');
    expect(nmapSeconds(1.25)).toBe('0.0013s');
    expect(nmapSeconds(1500)).toBe('1.5s');
  });
  it('a scan becomes the nmap command and its normal output', () => {
    const v = scanView({
      target: '203.0.113.10',
      method: 'syn',
      elapsedMs: 1234,
      ports: [
        { port: 50007, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'unknown', rttMs: 0.25 },
        { port: 50008, proto: 'tcp', state: 'filtered', reason: 'no-response', service: 'unknown' },
      ],
    })!;
    expect(v.command).toBe('nmap -n -Pn -sS -p 50007-50008 203.0.113.10');
    expect(v.nmap).toBe(
      [
        'Nmap scan report for 203.0.113.10',
        'Host is up (0.00025s latency).',
        '',
        'PORT      STATE    SERVICE',
        '50007/tcp open     unknown',
        '50008/tcp filtered unknown',
        '',
        'Nmap done: 1 IP address (1 host up) scanned in 1.23 seconds',
      ].join('\n'),
    );
  });
  it('the latency line is the smoothed RTT (srttMs) when the record has it, as nmap prints srtt', () => {
    const ports = [
      { port: 1, proto: 'tcp', state: 'closed', reason: 'reset', service: 'x', rttMs: 0.012 },
      { port: 2, proto: 'tcp', state: 'closed', reason: 'reset', service: 'x', rttMs: 0.02 },
    ];
    expect(scanView({ target: '198.51.100.2', method: 'syn', ports, srttMs: 0.016 })!.nmap).toContain('Host is up (0.000016s latency).');
    expect(scanView({ target: '198.51.100.2', method: 'syn', ports })!.nmap).toContain('Host is up (0.000012s latency).');
  });
  it('without any answer the host has no latency; a scan with only ignored states says so', () => {
    const ports = Array.from({ length: 30 }, (_, i) => ({ port: i + 1, proto: 'tcp', state: 'filtered', reason: 'no-response', service: 'x' }));
    const v = scanView({ target: '127.0.0.1', method: 'connect', ports })!;
    expect(v.command).toBe('nmap -n -Pn -sT -p 1-30 127.0.0.1');
    expect(v.nmap.split('\n')).toEqual([
      'Nmap scan report for 127.0.0.1',
      'Host is up.',
      '',
      'All 30 scanned ports on 127.0.0.1 are in ignored states.',
      'Not shown: 30 filtered tcp ports (no-response)',
      '',
      'Nmap done: 1 IP address (1 host up)',
    ]);
  });
});

describe('traceroute layout', () => {
  it('has the command, the header line and whether the target was reached', () => {
    const v = tracerouteView({
      target: '203.0.113.10',
      probe: 'icmp',
      maxHops: 3,
      hops: [
        { ttl: 1, probes: [{ address: '198.51.100.1', rttMs: 1.5 }], reached: false },
        { ttl: 2, probes: [{ address: null, rttMs: null }], reached: false },
      ],
    })!;
    expect(v.command).toBe('traceroute -n -I -m 3 203.0.113.10');
    expect(v.header).toBe('traceroute to 203.0.113.10 (203.0.113.10), 3 hops max');
    expect(v.text).toBe(' 1  198.51.100.1  1.500 ms\n 2  *');
    expect(v.reached).toBe(false);
    expect(tracerouteView({ target: '192.0.2.1', probe: 'udp', hops: [{ ttl: 1, probes: [], reached: true }] })).toMatchObject({ command: 'traceroute -n 192.0.2.1', reached: true });
  });
});

describe('nslookup layout', () => {
  const base = { query: 'www', server: { address: '192.0.2.53', port: 53 }, transactions: [], aliases: [] };
  it('prints the server, then Name/Address per answer (A then AAAA)', () => {
    const v = resolveView({ ...base, name: 'www.lab.example', rcode: 'NOERROR', authoritative: false, answers: { A: ['192.0.2.80'], AAAA: ['2001:db8::80'] }, aliases: [['www.lab.example', 'web.lab.example']] })!;
    expect(v.command).toBe('nslookup www');
    expect(v.nslookup.split('\n')).toEqual([
      'Server:         192.0.2.53',
      'Address:        192.0.2.53#53',
      '',
      'Non-authoritative answer:',
      'www.lab.example  canonical name = web.lab.example.',
      'Name:   www.lab.example',
      'Address: 192.0.2.80',
      'Name:   www.lab.example',
      'Address: 2001:db8::80',
    ]);
  });
  it('says when the name does not exist or has no address', () => {
    expect(resolveView({ ...base, rcode: 'NXDOMAIN', answers: {} })!.nslookup).toMatch(/\n\*\* server can't find www: NXDOMAIN$/);
    expect(resolveView({ ...base, rcode: 'NOERROR', authoritative: true, answers: { A: [], AAAA: [] } })!.nslookup).toMatch(/\n\*\*\* Can't find www: No answer$/);
  });
});
