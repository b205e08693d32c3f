/** TsharkLineWriter: byte-for-byte the same as formatTsharkLine(p) + '\n', in every column. */
import { describe, expect, it } from 'vitest';
import { formatTsharkLine, TsharkLineWriter, type DecodedPacket } from '../../src/packets/index.js';

function packet(over: Partial<DecodedPacket>): DecodedPacket {
  return {
    no: 1,
    time: 0,
    source: '192.0.2.1',
    destination: '192.0.2.2',
    protocol: 'UDP',
    length: 60,
    info: 'x',
    timestamp: 0,
    caplen: 60,
    ...over,
  };
}

function written(packets: DecodedPacket[], size = 1 << 16): { text: string; flushes: number } {
  const parts: Buffer[] = [];
  const w = new TsharkLineWriter((b) => parts.push(Buffer.from(b)), size);
  for (const p of packets) w.line(p);
  w.flush();
  return { text: Buffer.concat(parts).toString('utf8'), flushes: parts.length };
}

/** The bytes the old path wrote (Buffer#write of the line, UTF-8), decoded back for comparison. */
const expected = (packets: DecodedPacket[]): string =>
  Buffer.from(packets.map((p) => formatTsharkLine(p) + '\n').join(''), 'utf8').toString('utf8');

describe('TsharkLineWriter', () => {
  it('writes numbers, times and padding like formatTsharkLine', () => {
    const ps = [
      packet({ no: 1, time: 0, timeDigits: 6 }),
      packet({ no: 99999, time: 123.4567894, timeDigits: 6, length: 1514 }),
      packet({ no: 123456, time: 98765.000001, timeDigits: 6 }),
      packet({ no: 7, time: 1.5, timeDigits: 9 }),
      packet({ no: 8, time: -0.25, timeDigits: 6 }),
      packet({ no: 9, time: 0.1234567891, timeDigits: 9 }),
      packet({ no: 10, time: 2.000000999, timeDigits: 6 }),
      packet({ no: 11, time: 0.5 }),
    ];
    expect(written(ps).text).toBe(expected(ps));
  });

  it('pads short and keeps long address columns (IPv6, MAC, empty)', () => {
    const ps = [
      packet({ source: '', destination: '' }),
      packet({ source: '2001:db8::1234:5678:9abc', destination: '::1', protocol: 'ICMPv6' }),
      packet({ source: '02:00:00:00:00:01', destination: 'ff:ff:ff:ff:ff:ff', protocol: 'ARP' }),
      packet({ source: '10.0.0.1', destination: '10.0.0.2', protocol: 'LINKTYPE 999' }),
    ];
    expect(written(ps).text).toBe(expected(ps));
  });

  it('encodes non-ASCII Info as UTF-8 (arrows, accents, astral characters, lone surrogates)', () => {
    const ps = [
      packet({ info: '40000 → 50007 [SYN] Seq=0 Win=1000 Len=0' }),
      packet({ info: 'Standard query 0x1234 A café.lab 😀' }),
      packet({ info: 'lone \ud800 high and \udc00 low surrogate, end \ud83d' }),
      packet({ info: '' }),
    ];
    expect(written(ps).text).toBe(expected(ps));
  });

  it('hands over full buffers and keeps every byte across flushes', () => {
    const ps = Array.from({ length: 500 }, (_, i) =>
      packet({ no: i + 1, time: i / 1000, timeDigits: 6, info: `row ${i} → ${'é'.repeat(i % 40)}` }),
    );
    const out = written(ps, 512);
    expect(out.flushes).toBeGreaterThan(10);
    expect(out.text).toBe(expected(ps));
  });
});
