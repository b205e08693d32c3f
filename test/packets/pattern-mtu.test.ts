/**
 * `mtu=` in packet patterns: the next-hop MTU of ICMP "fragmentation needed" (RFC 1191) and of
 * ICMPv6 "packet too big", read from the packet bytes by the decoder.
 */
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/packets/index.js';
import { matchPackets, parsePattern } from '../../src/packets/pattern/index.js';
import type { Pattern } from '../../src/packets/pattern/types.js';
import { ether, ipv4, pcapFile, udp } from './synth.js';

function pattern(lines: string[]): Pattern {
  const r = parsePattern(lines);
  if ('errors' in r) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.pattern;
}

/** An ICMP type 3 code 4 from a router carrying `mtu` and the head of the datagram it refused. */
function fragNeeded(mtu: number): Uint8Array {
  const inner = ipv4('192.0.2.10', '203.0.113.20', 17, udp(40000, 9, new Uint8Array(8))).subarray(0, 28);
  const m = new Uint8Array(8 + inner.length);
  m[0] = 3;
  m[1] = 4;
  new DataView(m.buffer).setUint16(6, mtu);
  m.set(inner, 8);
  return ether(0x0800, ipv4('198.51.100.1', '192.0.2.10', 1, m));
}

const hosts = { hosts: { client: ['192.0.2.10'], r1: ['198.51.100.1'] } };

describe('mtu= on ICMP', () => {
  const packets = decodeBytes(pcapFile([{ ts: 1, data: fragNeeded(1400) }])).packets;

  it('the decoder reads the next-hop MTU of "fragmentation needed"', () => {
    expect(packets[0].icmp).toMatchObject({ type: 3, code: 4, mtu: 1400 });
    expect(packets[0].info).toContain('Fragmentation needed');
  });

  it('matches the MTU it carries and not another', () => {
    const ok = matchPackets(pattern(['r1 > client icmp type=3 code=4 mtu=1400']), packets, hosts);
    expect(ok.ok).toBe(true);
    const bad = matchPackets(pattern(['r1 > client icmp mtu=1500']), packets, hosts);
    expect(bad.ok).toBe(false);
    expect(matchPackets(pattern(['r1 > client icmp mtu<1500']), packets, hosts).ok).toBe(true);
  });

  it('a packet without an MTU (an echo request) never matches mtu=', () => {
    const echo = new Uint8Array(16);
    echo[0] = 8;
    const p = decodeBytes(pcapFile([{ ts: 1, data: ether(0x0800, ipv4('192.0.2.10', '198.51.100.1', 1, echo)) }])).packets;
    expect(p[0].icmp?.mtu).toBeUndefined();
    expect(matchPackets(pattern(['client > r1 icmp mtu!=0']), p, hosts).ok).toBe(false);
  });

  it('an unknown field lists mtu among the choices', () => {
    const r = parsePattern(['r1 > client icmp mut=1400']);
    expect('errors' in r && r.errors[0].message).toMatch(/unknown field "mut"/);
    expect('errors' in r && r.errors[0].expected).toContain('mtu');
  });
});
