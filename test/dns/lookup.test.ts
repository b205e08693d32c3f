import { describe, expect, it } from 'vitest';
import { lookup } from '../../src/dns/lookup.js';
import { recordJson } from '../../src/dns/rdata.js';
import { compileZones } from '../../src/dns/zone.js';
import { LAB_ZONE, SEED_ZONES } from './lab-zone.js';

const zones = compileZones([LAB_ZONE, ...SEED_ZONES]);
const q = (name: string, type: string) => {
  const r = lookup(zones, name, type);
  return {
    rcode: r.rcode,
    aa: r.aa,
    answers: r.answers.map((a) => `${a.name} ${a.type} ${recordJson(a).data}`),
    authority: r.authority.map((a) => `${a.name} ${a.type}`),
  };
};

describe('zone compilation', () => {
  it('makes relative names absolute and derives apexes', () => {
    expect(zones.map((z) => z.apex).sort()).toEqual(['113.0.203.in-addr.arpa', 'example', 'home', 'lab.example']);
    const lab = zones.find((z) => z.apex === 'lab.example')!;
    expect(lab.names.get('www.lab.example')?.[0].data).toBe('echo.lab.example');
    expect(lab.names.get('alias2.lab.example')?.[0].data).toBe('www.lab.example');
    expect(lab.names.get('outside.lab.example')?.[0].data).toBe('elsewhere.test');
    expect(lab.soa.data).toMatchObject({ mname: 'ns1.lab.example', rname: 'hostmaster.lab.example', serial: 1, minimum: 300 });
    expect(lab.nodes.has('deep.sub.lab.example')).toBe(true);
  });

  it('rejects bad data with the record path', () => {
    expect(() => compileZones([{ origin: 'x.test', records: [{ name: 'a', type: 'A', value: '2001:db8::1' }] }])).toThrow(
      /zones\[0\]\.records\[0\]: A value must be an IPv4/,
    );
    expect(() => compileZones([{ origin: 'x.test', records: [{ name: 'a', type: 'AAAA', value: '10.0.0.1' }] }])).toThrow(/AAAA value/);
    expect(() =>
      compileZones([
        {
          origin: 'x.test',
          records: [
            { name: 'a', type: 'CNAME', value: 'b' },
            { name: 'a', type: 'A', value: '192.0.2.1' },
          ],
        },
      ]),
    ).toThrow(/CNAME and other records/);
    expect(() =>
      compileZones([{ origin: 'x.test', records: [{ name: 'a', type: 'MX', value: { priority: -1, exchange: 'm' } }] }]),
    ).toThrow(/MX value/);
    expect(() =>
      compileZones([
        {
          records: [
            { name: 'a.one', type: 'A', value: '192.0.2.1' },
            { name: 'b.two', type: 'A', value: '192.0.2.2' },
          ],
        },
      ]),
    ).toThrow(/give an `origin`/);
    expect(() => compileZones([{ origin: 'x.test', records: [{ name: '@', type: 'CNAME', value: 'y.test.' }] }])).toThrow(
      /apex: it cannot have a CNAME/,
    );
    expect(() => compileZones([{ origin: 'x.test', records: [{ name: 'a'.repeat(64), type: 'A', value: '192.0.2.1' }] }])).toThrow(
      /longer than 63/,
    );
  });

  it('derives the apex from the names when there is no origin, and splits long TXT strings', () => {
    const [z] = compileZones([
      {
        records: [
          { name: 'a.lab.test', type: 'A', value: '192.0.2.1' },
          { name: 'b.c.lab.test', type: 'TXT', value: 'y'.repeat(300) },
        ],
      },
    ]);
    expect(z.apex).toBe('lab.test');
    expect((z.names.get('b.c.lab.test')![0].data as string[]).map((s) => s.length)).toEqual([255, 45]);
  });
});

describe('lookup semantics', () => {
  it('answers with AA', () => {
    expect(q('echo.lab.example', 'A')).toEqual({ rcode: 'NOERROR', aa: true, answers: ['echo.lab.example A 203.0.113.10'], authority: [] });
    expect(q('ECHO.Lab.Example.', 'AAAA').answers).toEqual(['echo.lab.example AAAA 2001:db8::10']);
    expect(q('lab.example', 'MX').answers).toEqual(['lab.example MX 10 mail.lab.example']);
    expect(q('lab.example', 'TXT').answers).toEqual(['lab.example TXT hello']);
    expect(q('10.113.0.203.in-addr.arpa', 'PTR').answers).toEqual(['10.113.0.203.in-addr.arpa PTR echo.lab.example']);
    expect(q('lab.example', 'SOA').answers).toEqual(['lab.example SOA ns1.lab.example hostmaster.lab.example 1 3600 600 86400 300']);
  });

  it('chases CNAMEs within the zones', () => {
    expect(q('alias2.lab.example', 'A').answers).toEqual([
      'alias2.lab.example CNAME www.lab.example',
      'www.lab.example CNAME echo.lab.example',
      'echo.lab.example A 203.0.113.10',
    ]);
    expect(q('www.lab.example', 'CNAME').answers).toEqual(['www.lab.example CNAME echo.lab.example']);
    // the target does not exist: NXDOMAIN with the CNAME kept (RFC 6604)
    expect(q('dangling.lab.example', 'A')).toMatchObject({
      rcode: 'NXDOMAIN',
      answers: ['dangling.lab.example CNAME gone.lab.example'],
      authority: ['lab.example SOA'],
    });
    // the target is outside every zone: the CNAME alone
    expect(q('outside.lab.example', 'A')).toMatchObject({
      rcode: 'NOERROR',
      answers: ['outside.lab.example CNAME elsewhere.test'],
      authority: [],
    });
    // the target exists without the type: NODATA after the CNAME
    expect(q('www.lab.example', 'MX')).toMatchObject({
      rcode: 'NOERROR',
      answers: ['www.lab.example CNAME echo.lab.example'],
      authority: ['lab.example SOA'],
    });
  });

  it('tells NODATA from NXDOMAIN, empty non-terminals included', () => {
    expect(q('v4only.lab.example', 'AAAA')).toEqual({ rcode: 'NOERROR', aa: true, answers: [], authority: ['lab.example SOA'] });
    expect(q('deep.sub.lab.example', 'A')).toEqual({ rcode: 'NOERROR', aa: true, answers: [], authority: ['lab.example SOA'] });
    expect(q('sub.lab.example', 'A').rcode).toBe('NOERROR');
    expect(q('nope.lab.example', 'A')).toEqual({ rcode: 'NXDOMAIN', aa: true, answers: [], authority: ['lab.example SOA'] });
    expect(q('x.host.deep.sub.lab.example', 'A').rcode).toBe('NXDOMAIN');
    expect(q('compeng.example.home', 'A')).toEqual({ rcode: 'NXDOMAIN', aa: true, answers: [], authority: ['home SOA'] });
  });

  it('negative answers carry the SOA with TTL min(ttl, minimum)', () => {
    const [z] = compileZones([
      { origin: 'n.test', ttl: 900, records: [{ name: '@', type: 'SOA', value: { mname: 'ns', rname: 'admin', minimum: 30 } }] },
    ]);
    const r = lookup([z], 'x.n.test', 'A');
    expect(r.authority.map((a) => [a.ttl, recordJson(a).data])).toEqual([[30, 'ns.n.test admin.n.test 1 3600 600 86400 30']]);
  });

  it('expands wildcards only for names that do not exist', () => {
    expect(q('anything.wild.lab.example', 'A').answers).toEqual(['anything.wild.lab.example A 203.0.113.99']);
    expect(q('a.b.wild.lab.example', 'A').answers).toEqual(['a.b.wild.lab.example A 203.0.113.99']);
    expect(q('anything.wild.lab.example', 'AAAA')).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(q('wild.lab.example', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });

  it('refuses names outside its zones, without AA', () => {
    expect(q('example.com', 'A')).toEqual({ rcode: 'REFUSED', aa: false, answers: [], authority: [] });
    expect(q('11.113.0.203.in-addr.arpa', 'PTR').rcode).toBe('NXDOMAIN');
    expect(q('1.2.0.192.in-addr.arpa', 'PTR').rcode).toBe('REFUSED');
  });

  it('answers ANY with every record at the name, and MX with the exchange address as additional data', () => {
    expect(
      q('lab.example', 'ANY')
        .answers.map((a) => a.split(' ')[1])
        .sort(),
    ).toEqual(['MX', 'NS', 'SOA', 'TXT']);
    const mx = lookup(zones, 'lab.example', 'MX');
    expect(mx.additional.map((a) => `${a.name} ${recordJson(a).data}`)).toEqual(['mail.lab.example 203.0.113.25']);
  });
});
