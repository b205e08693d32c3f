import { describe, expect, it } from 'vitest';
import { listingText, portSpec, resolveView, scanView, tracerouteView } from '../../src/report/probe-view.js';
import { dnsTx, syntheticRecord } from './records.js';
import type { ResolveProbe, ScanProbe, TracerouteProbe } from '../../src/generated/run-record.js';

const probeAt = (i: number) => syntheticRecord().steps[i].probe;
function scanProbe(): ScanProbe {
  const p = probeAt(2);
  if (p?.kind !== 'scan') throw new Error('step 2 records no scan');
  return p;
}
function traceProbe(): TracerouteProbe {
  const p = probeAt(3);
  if (p?.kind !== 'traceroute') throw new Error('step 3 records no traceroute');
  return p;
}
function resolveProbe(): ResolveProbe {
  const p = probeAt(4);
  if (p?.kind !== 'resolve') throw new Error('step 4 records no resolve');
  return p;
}

describe('the equivalent command lines', () => {
  it('portSpec joins consecutive ports into ranges', () => {
    expect(portSpec([50009, 50000, 50001, 50002, 50005, 80, 80])).toBe('80,50000-50002,50005,50009');
    expect(portSpec([8000])).toBe('8000');
  });
  it('nmap, traceroute and nslookup flags follow the method, the probe and the query', () => {
    expect(scanView({ ...scanProbe(), method: 'syn', target: '203.0.113.10' }).command).toBe(
      'nmap -n -Pn -sS -p 7,22,8080,9000-9029 203.0.113.10',
    );
    expect(scanView({ ...scanProbe(), method: 'udp', ports: [] }).command).toBe('nmap -n -Pn -sU 192.0.2.20');
    expect(tracerouteView({ ...traceProbe(), probe: 'icmp', maxHops: 3 }).command).toBe('traceroute -n -I -m 3 203.0.113.80');
    expect(tracerouteView(traceProbe()).command).toBe('traceroute -n -m 30 203.0.113.80');
    expect(resolveView(resolveProbe()).command).toBe('nslookup www');
  });
});

describe('the report tables', () => {
  it('list the ports nmap lists, with their reasons, and keep its Not shown line', () => {
    const v = scanView(scanProbe());
    // the 31 closed ports (22 and 9000-9029) are more than nmap lists
    expect(v.rows).toEqual([
      { port: '7/tcp', state: 'open', service: 'echo', reason: 'syn-ack' },
      { port: '8080/tcp', state: 'filtered', service: 'http-proxy', reason: 'no-response' },
    ]);
    expect(v.notShown).toBe('Not shown: 31 closed tcp ports (conn-refused)');
  });
  it('give each hop its addresses and times, * for silence', () => {
    const v = tracerouteView(traceProbe());
    expect(v.rows[1]).toEqual({ ttl: 2, address: '*', rtts: '*, *, *' });
    expect(v.rows[2]).toEqual({ ttl: 3, address: '198.51.100.1, 198.51.100.2', rtts: '1.250 ms, 1.500 ms, 1.700 ms !H' });
    expect(v.reached).toBe(true);
  });
  it('give each DNS exchange its question, response and answers; a timeout says so', () => {
    const timedOut = { ...dnsTx(9, { name: 'www', type: 'A' }, 'NOERROR', []), rcode: null, error: 'timeout after 2000 ms' };
    const v = resolveView({ ...resolveProbe(), transactions: [...resolveProbe().transactions, timedOut] });
    expect(v.rows[0]).toEqual({ question: 'www A', rcode: 'NXDOMAIN', answers: '' });
    expect(v.rows[2].answers).toBe('www.lab.example 60 CNAME web.lab.example\nweb.lab.example 60 AAAA 2001:db8::80');
    expect(v.rows[3].rcode).toBe('timeout after 2000 ms');
  });
});

describe('listing text', () => {
  it('expands tabs to 8-column stops and drops the final newlines', () => {
    expect(listingText('Server:\t\t192.0.2.53\nName:\twww\nab\tc\n\n')).toBe('Server:         192.0.2.53\nName:   www\nab      c');
  });
});
