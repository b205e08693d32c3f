import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canonicalV6, diagListening, isListening, parseListening, procAddress, procListening } from '../../src/net/listening.js';

const listen = (host: string) =>
  new Promise<Server>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host, port: 0 }, () => resolve(s));
  });
const portOf = (s: Server) => (s.address() as { port: number }).port;

describe('listening sockets from /proc/net/tcp{,6}', () => {
  it('decodes the kernel address text (little-endian words)', () => {
    expect(procAddress('0100007F')).toBe('127.0.0.1');
    expect(procAddress('020200C0')).toBe('192.0.2.2');
    expect(procAddress('00000000000000000000000001000000')).toBe('::1');
    expect(procAddress('00000000000000000000000000000000')).toBe('::');
    expect(procAddress('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(procAddress('B80D0120000000000000000001000000')).toBe('2001:db8::1');
    expect(canonicalV6('2001:DB8:0:0:0::1')).toBe('2001:db8::1');
    expect(canonicalV6('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
  });

  it('keeps only LISTEN rows', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue',
      '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000',
      '   1: 020200C0:D0B8 FEA9FEA9:0050 06 00000000:00000000',
    ].join('\n');
    expect(parseListening(text)).toEqual([{ address: '0.0.0.0', port: 2024 }]);
  });

  it('sees a server listening on 127.0.0.1 and on ::, and not one that closed', async () => {
    const a = await listen('127.0.0.1');
    const b = await listen('::');
    const closed = portOf(a);
    try {
      expect(isListening('127.0.0.1', portOf(a))).toBe(true);
      expect(isListening('127.0.0.2', portOf(a))).toBe(false);
      expect(isListening('0.0.0.0', portOf(a))).toBe(true);
      expect(isListening('127.0.0.1', portOf(b))).toBe(true);
      expect(isListening('::1', portOf(b))).toBe(true);
    } finally {
      await new Promise((r) => a.close(r));
      await new Promise((r) => b.close(r));
    }
    expect(isListening('127.0.0.1', closed)).toBe(false);
  });
});

describe.runIf(diagListening() !== undefined)('listening sockets by sock_diag (native/netns.c)', () => {
  it("gives what /proc gives for this namespace's servers: addresses, ports, a closed one gone", async () => {
    const servers = await Promise.all(['127.0.0.1', '::', '::1', '0.0.0.0'].map(listen));
    const ports = new Set(servers.map(portOf));
    const ours = (list: { address: string; port: number }[] | undefined) =>
      (list ?? [])
        .filter((x) => ports.has(x.port))
        .map((x) => `${x.address} ${x.port}`)
        .sort();
    try {
      const diag = ours(diagListening());
      expect(diag).toHaveLength(4);
      expect(diag).toEqual(ours(procListening()));
      expect(diag).toContain(`::1 ${portOf(servers[2])}`);
      expect(diag).toContain(`0.0.0.0 ${portOf(servers[3])}`);
    } finally {
      await Promise.all(servers.map((x) => new Promise((r) => x.close(r))));
    }
    expect(ours(diagListening())).toEqual([]);
  });
});
