/**
 * Captures built to cost quadratic time or huge memory decode in bounded work, as tshark
 * treats them: 100,000 interface blocks, records over 262,144 bytes, an unknown block of
 * 20 MB, a port-80 flow of 40,000 segments without CRLF, caplen > len.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBytes, readCaptureBytes, readCaptureFile, renderTsharkText } from '../../src/packets/index.js';
import { ether, ipv4, pcapFile, pcapngFile, tcp, udp } from './synth.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-bounded-cap-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const frame = ether(0x0800, ipv4('192.0.2.1', '192.0.2.2', 17, udp(1000, 2000, Uint8Array.from([97, 98, 99, 100]))));

/** pcapng blocks, little-endian. */
function block(type: number, body: Uint8Array): Uint8Array {
  const len = 12 + ((body.length + 3) & ~3);
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, len, true);
  b.set(body, 8);
  dv.setUint32(len - 4, len, true);
  return b;
}
function epb(data: Uint8Array, ifid = 0, caplen = data.length): Uint8Array {
  const body = new Uint8Array(20 + data.length);
  const dv = new DataView(body.buffer);
  dv.setUint32(0, ifid, true);
  dv.setUint32(12, caplen, true);
  dv.setUint32(16, data.length, true);
  body.set(data, 20);
  return block(6, body);
}
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const shbAndIdb = () => pcapngFile([]);

describe('captures that cost too much before', () => {
  it('100,000 interface blocks decode in linear time (the last one is used by the packet)', () => {
    const idb = block(1, Uint8Array.from([1, 0, 0, 0, 0, 0, 4, 0]));
    const parts = [shbAndIdb()];
    for (let i = 1; i < 100_000; i++) parts.push(idb);
    parts.push(epb(frame, 99_999));
    const r = decodeBytes(concat(parts));
    expect(r.problem).toBeUndefined();
    expect(r.linktypes).toHaveLength(100_000);
    expect(r.packets.map((p) => p.protocol)).toEqual(['UDP']);
  }, 20_000);

  it('a pcap record over 262,144 bytes stops the file as tshark does; one of 262,144 is read', () => {
    const big = new Uint8Array(300_000);
    big.set(frame);
    const r = readCaptureBytes(
      pcapFile([
        { ts: 1, data: frame },
        { ts: 2, data: big },
      ]),
      () => {},
    );
    expect(r.frames).toBe(1);
    expect(r.problem?.frame).toBe(2);
    expect(r.problem?.message).toContain('300000-byte packet, bigger than the maximum of 262144');
    const ok = new Uint8Array(262_144);
    ok.set(frame);
    expect(readCaptureBytes(pcapFile([{ ts: 1, data: ok }]), () => {}).problem).toBeUndefined();
  });

  it('a pcapng packet with cap_len over 262,144 is refused before it is buffered', () => {
    const header = pcapngFile([]);
    // only the block's first 32 bytes exist: the length fields alone decide
    const huge = new Uint8Array(32);
    const dv = new DataView(huge.buffer);
    dv.setUint32(0, 6, true);
    dv.setUint32(4, 255 * 1024 * 1024, true);
    dv.setUint32(20, 255 * 1024 * 1024 - 32, true);
    const r = readCaptureBytes(concat([header, epb(frame), huge]), () => {});
    expect(r.frames).toBe(1);
    expect(r.problem?.message).toBe(`cap_len ${255 * 1024 * 1024 - 32} is larger than 262144`);
  });

  it('an unknown 20 MB block is skipped while streaming, not held', async () => {
    const f = join(dir, 'unknown.pcapng');
    await writeFile(f, concat([shbAndIdb(), epb(frame), block(0x99, new Uint8Array(20 * 1024 * 1024)), epb(frame)]));
    let n = 0;
    const r = await readCaptureFile(f, () => n++, 64 * 1024);
    expect(r.problem).toBeUndefined();
    expect(n).toBe(2);
  });

  it('caplen > len shows len in the Length column (as tshark)', () => {
    const bytes = pcapFile([{ ts: 1, data: frame }]);
    new DataView(bytes.buffer).setUint32(24 + 12, 20, true); // origlen 20 < caplen 46
    expect(decodeBytes(bytes).packets[0].length).toBe(20);
  });

  it('a port-80 flow of 40,000 segments without CRLF: linear, every segment a PDU piece', () => {
    const frames = [];
    let seq = 1;
    const payload = 'x'.repeat(95);
    for (let i = 0; i < 40_000; i++) {
      frames.push({
        ts: 1 + i / 1e6,
        data: ether(
          0x0800,
          ipv4('192.0.2.1', '192.0.2.2', 6, tcp({ sport: 40000, dport: 80, seq, ack: 1, flags: 0x18, win: 100, payload })),
        ),
      });
      seq += payload.length;
    }
    const { text } = renderTsharkText(pcapFile(frames));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(40_000);
    expect(lines.filter((l) => l.endsWith('[TCP segment of a reassembled PDU]')).length).toBeGreaterThan(39_000);
  }, 20_000);

  it('HTTP split over many segments: the first line and the end of headers are still found', () => {
    const parts = ['GET /index.html HTTP/1.1\r', '\nHost: a\r\n', 'X-A: b\r\n\r', '\n'];
    let seq = 1;
    const frames = parts.map((p, i) => {
      const f = {
        ts: 1 + i,
        data: ether(
          0x0800,
          ipv4('192.0.2.1', '192.0.2.2', 6, tcp({ sport: 40000, dport: 80, seq, ack: 1, flags: 0x18, win: 100, payload: p })),
        ),
      };
      seq += p.length;
      return f;
    });
    const infos = decodeBytes(pcapFile(frames)).packets.map((p) => `${p.protocol} ${p.info.replace(/^.*?(GET|\[TCP segment)/, '$1')}`);
    expect(infos[3]).toBe('HTTP GET /index.html HTTP/1.1 ');
    expect(infos.slice(0, 3).every((i) => i.startsWith('TCP'))).toBe(true);
  });
});

describe('a step timeout stops the decoding itself', () => {
  it('readCaptureFile and decodeFile stop after the chunk in which the signal aborted', async () => {
    const f = join(dir, 'many.pcap');
    await writeFile(f, pcapFile(Array.from({ length: 20_000 }, (_, i) => ({ ts: 1 + i / 1e6, data: frame }))));
    const ac = new AbortController();
    let n = 0;
    const reading = readCaptureFile(
      f,
      () => (++n === 10 ? ac.abort(new Error('step timed out')) : undefined),
      4096,
      undefined,
      false,
      ac.signal,
    );
    await expect(reading).rejects.toThrow('step timed out');
    expect(n).toBeLessThan(200); // one 4 KiB chunk holds < 70 frames: the rest was never read
    const { decodeFile } = await import('../../src/packets/file/decode-file.js');
    const done = new AbortController();
    done.abort(new Error('already over'));
    await expect(decodeFile(f, {}, done.signal)).rejects.toThrow('already over');
  });
});
