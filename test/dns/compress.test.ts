import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { compressMessage } from '../../src/dns/compress.js';
import { respond } from '../../src/dns/respond.js';
import { compileZones } from '../../src/dns/zone.js';
import { LAB_ZONE, SEED_ZONES } from './lab-zone.js';

const zones = compileZones([LAB_ZONE, ...SEED_ZONES]);
const client = { address: '127.0.0.1', port: 1 };
const ask = (name: string, type: string) =>
  respond(zones, dnsPacket.encode({ type: 'query', id: 2, questions: [{ name, type: type as 'A' }] }), 'udp', client)!;

describe('name compression', () => {
  it('keeps the meaning of every reply the server builds', () => {
    for (const [name, type] of [
      ['alias2.lab.example', 'A'],
      ['lab.example', 'MX'],
      ['lab.example', 'SOA'],
      ['nope.lab.example', 'AAAA'],
      ['10.113.0.203.in-addr.arpa', 'PTR'],
      ['lab.example', 'ANY'],
    ]) {
      const uncompressed = dnsPacket.encode(dnsPacket.decode(ask(name, type).reply));
      const compressed = compressMessage(uncompressed);
      expect(compressed.length, `${name} ${type}`).toBeLessThan(uncompressed.length);
      expect(dnsPacket.decode(compressed), `${name} ${type}`).toEqual(dnsPacket.decode(uncompressed));
    }
  });

  it('gives the sizes real servers send (the seed: A answer of a 2-label name)', () => {
    // 12 header + 21 question (compeng.example A IN) + 16 answer (pointer, type, class, ttl, len, address)
    expect(ask('compeng.example', 'A').reply.length).toBe(49);
    // a name as long as the seed's (compeng4dn4.mo00.com): its 96-byte frame = 14 + 20 + 8 + 54
    const [z] = compileZones([{ origin: 'mo0.test', records: [{ name: 'compeng4dn4.mo0.test', type: 'A', value: '203.0.113.223' }] }]);
    const r = respond(
      [z],
      dnsPacket.encode({
        type: 'query',
        id: 4,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ name: 'compeng4dn4.mo0.test', type: 'A' }],
      }),
      'udp',
      client,
    )!;
    expect(r.reply.length).toBe(54);
    // MX data and SOA names point back into the question
    expect(ask('lab.example', 'MX').reply.includes(Buffer.from('\x07example'))).toBe(true);
    expect(ask('lab.example', 'MX').reply.indexOf(Buffer.from('\x07example'))).toBe(
      ask('lab.example', 'MX').reply.lastIndexOf(Buffer.from('\x07example')),
    );
  });
});
