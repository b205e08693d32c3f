/** wirelab's stub resolver against the fixture server, dnsmasq and a silent socket; dig as the reference. */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveName, type DnsTransaction, type QueryType } from '../../src/dns/client.js';
import { startDnsServer, type DnsServer } from '../../src/dns/server.js';
import { LAB_ZONE, SEED_ZONES } from './lab-zone.js';
import { dig, nslookup, startDnsmasq } from './peers.js';

const FIX = '127.3.2.1';
const MASQ = { address: '127.3.2.53', port: 53530 };
let fixture: DnsServer;
let masq: Awaited<ReturnType<typeof startDnsmasq>> | undefined;

beforeAll(async () => {
  fixture = await startDnsServer({ zones: [LAB_ZONE, ...SEED_ZONES], address: [FIX, '::1'], port: 0 });
  masq = await startDnsmasq(MASQ.address, MASQ.port, [
    '--local=/lab.test/',
    '--host-record=echo.lab.test,203.0.113.10,2001:db8::10',
    '--host-record=v4only.lab.test,203.0.113.11',
    '--cname=www.lab.test,echo.lab.test',
    '--txt-record=lab.test,"hello"',
    '--mx-host=lab.test,mail.lab.test,10',
    '--address=/wild.lab.test/203.0.113.99',
  ]);
});
afterAll(async () => {
  await masq?.stop();
  await fixture?.close();
});

const steps = (txs: DnsTransaction[]) => txs.map((t) => `${t.question.type} ${t.question.name} ${t.rcode}`);
const recs = (r: { name: string; type: string; ttl: number; data: string }[]) => r.map((x) => `${x.name} ${x.ttl} ${x.type} ${x.data}`);

/** Asks the same question with wirelab (absolute name, one type) and with dig; both must agree. */
async function agree(server: string, port: number, name: string, type: QueryType, digFlags: string[] = []) {
  const ours = await resolveName({
    name: `${name}.`,
    types: [type],
    server: `${server}:${port}`,
    recurse: !digFlags.includes('+norecurse'),
  });
  const peer = await dig(server, port, [...digFlags, name, type]);
  const tx = ours.transactions.at(-1)!;
  expect(tx.rcode, `${name} ${type}`).toBe(peer.status);
  expect(recs(tx.answers), `${name} ${type}`).toEqual(recs(peer.answers));
  expect(recs(tx.authority), `${name} ${type}`).toEqual(recs(peer.authority));
  expect(tx.aa, `${name} ${type}`).toBe(peer.flags.includes('aa'));
  return ours;
}

describe('client vs dig, same server', () => {
  it('fixture server: every type, CNAME, NODATA, NXDOMAIN, REFUSED', async () => {
    const qs: [string, QueryType][] = [
      ['echo.lab.example', 'A'],
      ['echo.lab.example', 'AAAA'],
      ['www.lab.example', 'A'],
      ['www.lab.example', 'CNAME'],
      ['lab.example', 'MX'],
      ['lab.example', 'NS'],
      ['lab.example', 'TXT'],
      ['lab.example', 'SOA'],
      ['10.113.0.203.in-addr.arpa', 'PTR'],
      ['v4only.lab.example', 'AAAA'],
      ['nope.lab.example', 'A'],
      ['dangling.lab.example', 'A'],
      ['example.com', 'A'],
      ['x.wild.lab.example', 'A'],
    ];
    for (const [name, type] of qs) await agree(FIX, fixture.port, name, type, ['+norecurse']);
  });

  it('dnsmasq: every type it serves, CNAME, NODATA, NXDOMAIN', async () => {
    const qs: [string, QueryType][] = [
      ['echo.lab.test', 'A'],
      ['echo.lab.test', 'AAAA'],
      ['www.lab.test', 'A'],
      ['www.lab.test', 'AAAA'],
      ['lab.test', 'MX'],
      ['lab.test', 'TXT'],
      ['10.113.0.203.in-addr.arpa', 'PTR'],
      ['v4only.lab.test', 'AAAA'],
      ['nope.lab.test', 'A'],
      ['deep.wild.lab.test', 'A'],
    ];
    for (const [name, type] of qs) await agree(MASQ.address, MASQ.port, name, type);
    const r = await resolveName({ name: 'www.lab.test', server: `${MASQ.address}:${MASQ.port}` });
    expect([r.rcode, r.answers, r.aliases]).toEqual([
      'NOERROR',
      { A: ['203.0.113.10'], AAAA: ['2001:db8::10'] },
      [['www.lab.test', 'echo.lab.test']],
    ]);
  });
});

describe('search list walk', () => {
  it("reproduces the seed's sequence: A and AAAA of NAME.home (NXDOMAIN), then of NAME", async () => {
    const r = await resolveName({ name: 'compeng.example', search: ['home'], ndots: 2, server: `${FIX}:${fixture.port}`, firstId: 2 });
    expect(steps(r.transactions)).toEqual([
      'A compeng.example.home NXDOMAIN',
      'AAAA compeng.example.home NXDOMAIN',
      'A compeng.example NOERROR',
      'AAAA compeng.example NOERROR',
    ]);
    expect(r.transactions.map((t) => t.id)).toEqual([2, 3, 4, 5]);
    expect(r.transactions.at(-1)!.answers).toEqual([]);
    expect([r.name, r.rcode, r.answers]).toEqual(['compeng.example', 'NOERROR', { A: ['203.0.113.223'], AAAA: [] }]);
  });

  it("matches Linux nslookup's own walk with walk: first-type", async () => {
    for (const name of ['compeng.example', 'nothere.example', 'v4only.lab.example']) {
      const before = fixture.transactions.length;
      await nslookup(FIX, fixture.port, ['-domain=home', '-ndots=2', name]);
      const theirs = fixture.transactions.slice(before).map((t) => `${t.question!.type} ${t.question!.name} ${t.rcode}`);
      const ours = await resolveName({ name, search: ['home'], ndots: 2, walk: 'first-type', server: `${FIX}:${fixture.port}` });
      expect(steps(ours.transactions), name).toEqual(theirs);
    }
  });

  it('ndots, absolute names and several suffixes', async () => {
    const srv = `${FIX}:${fixture.port}`;
    const one = await resolveName({ name: 'compeng.example', search: ['home'], server: srv, types: ['A'] });
    expect(steps(one.transactions)).toEqual(['A compeng.example NOERROR']);
    const short = await resolveName({ name: 'echo', search: ['home', 'lab.example'], server: srv, types: ['A'] });
    expect(steps(short.transactions)).toEqual(['A echo.home NXDOMAIN', 'A echo.lab.example NOERROR']);
    const abs = await resolveName({ name: 'nope.example.', search: ['home'], ndots: 5, server: srv, types: ['A'] });
    expect(steps(abs.transactions)).toEqual(['A nope.example NXDOMAIN']);
    expect(abs.rcode).toBe('NXDOMAIN');
    // REFUSED (outside the zones) ends the walk, as it does for nslookup
    const refused = await resolveName({ name: 'x', search: ['elsewhere.test', 'lab.example'], server: srv, types: ['A'] });
    expect(steps(refused.transactions)).toEqual(['A x.elsewhere.test REFUSED']);
  });
});

describe('transport', () => {
  it('falls back to TCP when the UDP answer is truncated', async () => {
    const r = await resolveName({ name: 'huge.lab.example.', types: ['TXT'], server: `${FIX}:${fixture.port}` });
    expect(r.transactions.map((t) => [t.transport, t.tc, t.answers.length])).toEqual([
      ['udp', true, 0],
      ['tcp', false, 10],
    ]);
    expect(r.answers.TXT).toHaveLength(10);
    const tcp = await resolveName({ name: 'echo.lab.example.', types: ['A'], tcp: true, server: `${FIX}:${fixture.port}` });
    expect(tcp.transactions.map((t) => t.transport)).toEqual(['tcp']);
  });

  it('asks an IPv6 server, and reverse-resolves an address', async () => {
    const r = await resolveName({ name: '203.0.113.10', server: `[::1]:${fixture.port}` });
    expect(r.transactions.map((t) => [t.server, t.question.type, t.question.name])).toEqual([
      [`::1#${fixture.port}`, 'PTR', '10.113.0.203.in-addr.arpa'],
    ]);
    expect(r.answers).toEqual({ PTR: ['echo.lab.example'] });
  });

  it('retries a silent server `attempts` times, then reports the timeout', async () => {
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.3.2.9', () => r()));
    let seen = 0;
    silent.on('message', () => seen++);
    try {
      const r = await resolveName({
        name: 'a.test.',
        types: ['A'],
        server: `127.3.2.9:${silent.address().port}`,
        timeoutMs: 150,
        attempts: 3,
        firstId: 7,
      });
      expect(r.transactions.map((t) => [t.id, t.rcode, t.error?.startsWith('timeout')])).toEqual([
        [7, null, true],
        [7, null, true],
        [7, null, true],
      ]);
      expect(r.rcode).toBe('TIMEOUT');
      expect(seen).toBe(3);
    } finally {
      silent.close();
    }
  });

  it('reports a closed port as an error, without throwing', async () => {
    const r = await resolveName({ name: 'a.test.', types: ['A'], server: '127.3.2.10:9', attempts: 2, timeoutMs: 1000 });
    expect(r.rcode).toBe('ERROR');
    expect(r.transactions.every((t) => t.rcode === null && t.error === 'ECONNREFUSED')).toBe(true);
  });

  it('rejects a server that is not an IP address', async () => {
    await expect(resolveName({ name: 'a.test', server: 'ns.example.com' })).rejects.toThrow(/must be an IP address/);
  });
});
