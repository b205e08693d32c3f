/** The fixture server answered by real dig and nslookup on a loopback address. */
import { createSocket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServer } from '../../src/dns/server.js';
import { LAB_ZONE, SEED_ZONES } from './lab-zone.js';
import { dig, nslookup } from './peers.js';

const ADDR = '127.3.1.1';
let server: DnsServer;

beforeAll(async () => {
  server = await startDnsServer({ zones: [LAB_ZONE, ...SEED_ZONES], address: ADDR, port: 0 });
});
afterAll(async () => {
  await server?.close();
});

const d = (args: string[]) => dig(ADDR, server.port, ['+norecurse', ...args]);
const rr = (r: { name: string; type: string; data: string }[]) => r.map((x) => `${x.name} ${x.type} ${x.data}`);

describe('fixture server vs dig', () => {
  it('reports an ephemeral port and answers every record type with AA', async () => {
    expect(server.port).toBeGreaterThan(0);
    const cases: [string, string, string[]][] = [
      ['echo.lab.example', 'A', ['echo.lab.example A 203.0.113.10']],
      ['echo.lab.example', 'AAAA', ['echo.lab.example AAAA 2001:db8::10']],
      ['www.lab.example', 'CNAME', ['www.lab.example CNAME echo.lab.example']],
      ['lab.example', 'MX', ['lab.example MX 10 mail.lab.example']],
      ['lab.example', 'NS', ['lab.example NS ns1.lab.example']],
      ['lab.example', 'TXT', ['lab.example TXT hello']],
      ['lab.example', 'SOA', ['lab.example SOA ns1.lab.example hostmaster.lab.example 1 3600 600 86400 300']],
      ['10.113.0.203.in-addr.arpa', 'PTR', ['10.113.0.203.in-addr.arpa PTR echo.lab.example']],
    ];
    for (const [name, type, want] of cases) {
      const r = await d([name, type]);
      expect(r.status, `${name} ${type}`).toBe('NOERROR');
      expect(r.flags, `${name} ${type}`).toEqual(['qr', 'aa']);
      expect(rr(r.answers), `${name} ${type}`).toEqual(want);
    }
    const mx = await d(['lab.example', 'MX']);
    expect(rr(mx.additional)).toEqual(['mail.lab.example A 203.0.113.25']);
    expect((await d(['-x', '203.0.113.10'])).answers.map((a) => a.data)).toEqual(['echo.lab.example']);
  });

  it('echoes RD, and answers TTLs as configured', async () => {
    const r = await dig(ADDR, server.port, ['+recurse', 'v4only.lab.example', 'A']);
    expect(r.flags).toEqual(['qr', 'aa', 'rd']);
    expect(r.answers[0].ttl).toBe(60);
  });

  it('chases CNAMEs inside its zones', async () => {
    const r = await d(['alias2.lab.example', 'A']);
    expect(rr(r.answers)).toEqual([
      'alias2.lab.example CNAME www.lab.example',
      'www.lab.example CNAME echo.lab.example',
      'echo.lab.example A 203.0.113.10',
    ]);
    const dangling = await d(['dangling.lab.example', 'A']);
    expect([dangling.status, rr(dangling.answers)]).toEqual(['NXDOMAIN', ['dangling.lab.example CNAME gone.lab.example']]);
  });

  it('NODATA: NOERROR, no answer, the SOA in authority; NXDOMAIN likewise with the SOA', async () => {
    for (const [name, type] of [
      ['v4only.lab.example', 'AAAA'],
      ['sub.lab.example', 'A'],
      ['deep.sub.lab.example', 'TXT'],
    ]) {
      const r = await d([name, type]);
      expect([r.status, r.answers.length, rr(r.authority)], name).toEqual([
        'NOERROR',
        0,
        ['lab.example SOA ns1.lab.example hostmaster.lab.example 1 3600 600 86400 300'],
      ]);
    }
    const nx = await d(['nope.lab.example', 'A']);
    expect([nx.status, nx.flags, nx.answers.length, nx.authority.map((a) => a.type)]).toEqual(['NXDOMAIN', ['qr', 'aa'], 0, ['SOA']]);
    const home = await d(['compeng.example.home', 'AAAA']);
    expect([home.status, rr(home.authority)]).toEqual(['NXDOMAIN', ['home SOA ns.home hostmaster.home 1 3600 600 86400 300']]);
  });

  it('REFUSED outside its zones, without AA', async () => {
    const r = await d(['example.com', 'A']);
    expect([r.status, r.flags, r.answers.length]).toEqual(['REFUSED', ['qr'], 0]);
  });

  it('truncates big UDP answers (512 without EDNS, 1232 with) and dig retries over TCP', async () => {
    const ignored = await d(['+noedns', '+ignore', 'big.lab.example', 'A']);
    expect(ignored.flags).toContain('tc');
    expect(ignored.answers).toEqual([]);
    const retried = await d(['+noedns', 'big.lab.example', 'A']);
    expect([retried.transport, retried.answers.length]).toEqual(['TCP', 40]);
    // with EDNS (1232) the 40 A records fit in UDP; the 2 kB of TXT do not
    const fits = await d(['big.lab.example', 'A']);
    expect([fits.transport, fits.flags.includes('tc'), fits.answers.length]).toEqual(['UDP', false, 40]);
    const huge = await d(['+ignore', 'huge.lab.example', 'TXT']);
    expect([huge.flags.includes('tc'), huge.answers.length]).toEqual([true, 0]);
    const tcp = await d(['+tcp', 'huge.lab.example', 'TXT']);
    expect([tcp.transport, tcp.answers.length]).toEqual(['TCP', 10]);
  });

  it('echoes EDNS when the query has it, and not otherwise', async () => {
    expect((await d(['echo.lab.example'])).raw).toMatch(/; EDNS: version: 0, flags:; udp: 1232/);
    expect((await d(['+noedns', 'echo.lab.example'])).raw).not.toMatch(/EDNS/);
    expect((await d(['+edns=1', '+noednsnegotiation', 'echo.lab.example'])).status).toBe('BADVERS');
  });

  it('FORMERR for a malformed query (same id), NOTIMP for another opcode, silence for a response', async () => {
    const sock = createSocket('udp4');
    const replies: Buffer[] = [];
    sock.on('message', (m) => replies.push(m));
    await new Promise<void>((r) => sock.bind(0, '127.3.1.2', () => r()));
    const send = (b: Buffer) => new Promise<void>((r) => sock.send(b, server.port, ADDR, () => r()));
    try {
      await send(Buffer.from('beef0100000100000000000003777777', 'hex')); // question cut short
      const notify = dnsPacket.encode({ type: 'query', id: 0x1234, questions: [{ name: 'lab.example', type: 'SOA' }] });
      notify.writeUInt16BE(0x2000, 2); // opcode 4 (NOTIFY)
      await send(notify);
      await send(dnsPacket.encode({ type: 'response', id: 0x4321, questions: [{ name: 'lab.example', type: 'A' }] }));
      await send(dnsPacket.encode({ type: 'query', id: 0x5555, questions: [{ name: 'echo.lab.example', type: 'A' }] }));
      for (let i = 0; i < 50 && replies.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      const seen = replies.map((m) => dnsPacket.decode(m) as dnsPacket.DecodedPacket & { rcode: string; opcode: string });
      expect(seen.map((p) => [p.id, p.rcode, p.opcode, p.flag_qr])).toEqual([
        [0xbeef, 'FORMERR', 'QUERY', true],
        [0x1234, 'NOTIMP', 'NOTIFY', true],
        [0x5555, 'NOERROR', 'QUERY', true],
      ]);
    } finally {
      sock.close();
    }
  });

  it('records every query and response it served', async () => {
    const before = server.transactions.length;
    await d(['+tcp', 'www.lab.example', 'A']);
    const tx = server.transactions.slice(before);
    expect(tx).toHaveLength(1);
    expect(tx[0]).toMatchObject({
      transport: 'tcp',
      question: { name: 'www.lab.example', type: 'A', class: 'IN' },
      rcode: 'NOERROR',
      aa: true,
      tc: false,
      rd: false,
    });
    expect(tx[0].answers.map((a) => a.type)).toEqual(['CNAME', 'A']);
    expect(tx[0].client.address).toBe('127.0.0.1');
  });
});

describe('fixture server vs nslookup', () => {
  const ns = (args: string[]) => nslookup(ADDR, server.port, args);

  it('finds A and AAAA through a CNAME, authoritatively', async () => {
    const r = await ns(['www.lab.example']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/Non-authoritative/);
    expect(r.stdout).toContain('www.lab.example\tcanonical name = echo.lab.example.');
    expect(r.stdout).toContain('Name:\techo.lab.example\nAddress: 203.0.113.10\n');
    expect(r.stdout).toContain('Name:\techo.lab.example\nAddress: 2001:db8::10\n');
  });

  it('MX, TXT, NS, PTR, NXDOMAIN, REFUSED and no-answer', async () => {
    expect((await ns(['-type=MX', 'lab.example'])).stdout).toContain('lab.example\tmail exchanger = 10 mail.lab.example.');
    expect((await ns(['-type=TXT', 'lab.example'])).stdout).toContain('lab.example\ttext = "hello"');
    expect((await ns(['-type=NS', 'lab.example'])).stdout).toContain('lab.example\tnameserver = ns1.lab.example.');
    expect((await ns(['203.0.113.10'])).stdout).toContain('10.113.0.203.in-addr.arpa\tname = echo.lab.example.');
    const nx = await ns(['nope.lab.example']);
    expect([nx.code, nx.stdout.includes("** server can't find nope.lab.example: NXDOMAIN")]).toEqual([1, true]);
    expect((await ns(['example.com'])).stdout).toContain("** server can't find example.com: REFUSED");
    expect((await ns(['-type=AAAA', 'v4only.lab.example'])).stdout).toContain("*** Can't find v4only.lab.example: No answer");
  });
});
