/**
 * Fuzz: 2,000 deterministic mutations (bit flips, truncation, inserted and deleted bytes,
 * oversized length fields) of pcap and pcapng files must never make the reader, decoders or
 * summariser throw; damaged files end in a ReadProblem that says where.
 */
import { describe, expect, it } from 'vitest';
import { decodeBytes, formatTsharkLine, readCaptureBytes, renderTsharkText } from '../../src/packets/index.js';
import { ether, icmpEcho, ipv4, pcapFile, pcapngFile, prng, tcp, udp, type SynthFrame } from './synth.js';

function baseFrames(): SynthFrame[] {
  const dns = Uint8Array.from([
    0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 97, 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4,
  ]);
  const list = [
    ether(
      0x0800,
      ipv4(
        '192.0.2.1',
        '192.0.2.2',
        6,
        tcp({
          sport: 1000,
          dport: 80,
          seq: 1,
          flags: 2,
          win: 100,
          options: [2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2],
        }),
      ),
    ),
    ether(0x0800, ipv4('192.0.2.2', '192.0.2.1', 6, tcp({ sport: 80, dport: 1000, seq: 9, ack: 2, flags: 0x12, win: 100 }))),
    ether(
      0x0800,
      ipv4(
        '192.0.2.1',
        '192.0.2.2',
        6,
        tcp({
          sport: 1000,
          dport: 80,
          seq: 2,
          ack: 10,
          flags: 0x18,
          win: 100,
          payload: 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab',
        }),
      ),
    ),
    ether(0x0800, ipv4('192.0.2.1', '192.0.2.2', 17, udp(53, 4000, dns))),
    ether(0x0800, ipv4('192.0.2.1', '192.0.2.2', 1, icmpEcho(8, 1, 1))),
    ether(0x0806, Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2])),
  ];
  return list.map((data, i) => ({ ts: 1_700_000_000 + i / 10, data }));
}

const BASES: Record<string, Uint8Array> = {
  pcap: pcapFile(baseFrames()),
  pcapBeNs: pcapFile(baseFrames(), { be: true, ns: true }),
  pcapng: pcapngFile(baseFrames(), { interfaces: [{ linktype: 1, tsresol: 9 }], unknownBlock: true }),
  pcapngBe: pcapngFile(baseFrames(), { be: true }),
};

function mutate(src: Uint8Array, rnd: () => number): { bytes: Uint8Array; truncatedOnly: boolean } {
  const op = Math.floor(rnd() * 5);
  const b = src.slice();
  const pos = Math.floor(rnd() * b.length);
  switch (op) {
    case 0: // truncate
      return { bytes: b.subarray(0, pos), truncatedOnly: true };
    case 1: // flip 1-8 random bits
      for (let i = 0, n = 1 + Math.floor(rnd() * 8); i < n; i++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
      return { bytes: b, truncatedOnly: false };
    case 2: {
      // insert random bytes
      const ins = Uint8Array.from({ length: 1 + Math.floor(rnd() * 16) }, () => Math.floor(rnd() * 256));
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, pos));
      out.set(ins, pos);
      out.set(b.subarray(pos), pos + ins.length);
      return { bytes: out, truncatedOnly: false };
    }
    case 3: {
      // delete a range
      const n = Math.min(1 + Math.floor(rnd() * 16), b.length - pos);
      const out = new Uint8Array(b.length - n);
      out.set(b.subarray(0, pos));
      out.set(b.subarray(pos + n), pos);
      return { bytes: out, truncatedOnly: false };
    }
    default: {
      // write a huge 32-bit value somewhere (length fields)
      const p = Math.min(pos, b.length - 4);
      if (p >= 0) new DataView(b.buffer).setUint32(p, 0xfffffff0 - Math.floor(rnd() * 1000));
      return { bytes: b, truncatedOnly: false };
    }
  }
}

/** Offsets where a record/block starts in an intact file (a cut there is a clean end). */
function boundaries(bytes: Uint8Array): Set<number> {
  const set = new Set<number>();
  readCaptureBytes(bytes, (f) => set.add(f.offset));
  return set;
}

describe.each(Object.keys(BASES))('fuzzing %s', (name) => {
  it('never throws; damaged input reports a problem with an offset', () => {
    const base = BASES[name];
    const clean = decodeBytes(base);
    expect(clean.problem).toBeUndefined();
    expect(clean.packets.length).toBe(6);
    const cuts = boundaries(base);
    const rnd = prng(0x5eed + name.length);
    let problems = 0;
    for (let i = 0; i < 500; i++) {
      const { bytes, truncatedOnly } = mutate(base, rnd);
      let res: ReturnType<typeof decodeBytes>;
      try {
        res = decodeBytes(bytes, { twoPass: i % 2 === 0 });
        const lines = res.packets.map((p) => formatTsharkLine(p));
        if (i % 2 === 1) {
          // The byte writer of `wirelab decode` prints exactly the string formatter's lines.
          const written = renderTsharkText(bytes);
          expect(written.text).toBe(lines.map((l) => l + '\n').join(''));
          expect(written.summary.problem).toEqual(res.problem);
        }
      } catch (err) {
        throw new Error(`case ${i} (${bytes.length} bytes) threw: ${(err as Error).stack}`);
      }
      if (res.problem) {
        problems++;
        expect(res.problem.offset).toBeGreaterThanOrEqual(0);
        expect(res.problem.offset).toBeLessThanOrEqual(Math.max(bytes.length, 0));
        expect(res.problem.frame).toBe(res.packets.length + (res.problem.frame === 0 ? 0 : 1));
        expect(res.problem.message.length).toBeGreaterThan(0);
      }
      // A cut inside the header or a record must be reported; a cut between records must not.
      if (truncatedOnly) {
        const atBoundary = cuts.has(bytes.length) && bytes.length > 0;
        if (!atBoundary && !(name.startsWith('pcapng') && bytes.length > 0 && isBlockBoundary(base, bytes.length))) {
          expect(res.problem, `cut at ${bytes.length}`).toBeDefined();
        }
      }
    }
    expect(problems).toBeGreaterThan(50);
  });
});

/** pcapng: a cut right after any complete block (SHB/IDB/unknown) is a clean end too. */
function isBlockBoundary(file: Uint8Array, cut: number): boolean {
  const le = file[8] === 0x4d;
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let o = 0;
  while (o < cut && o + 8 <= file.length) o += dv.getUint32(o + 4, le);
  return o === cut;
}

it('reports where a truncated pcap stops', () => {
  const base = BASES.pcap;
  const res = decodeBytes(base.subarray(0, base.length - 3));
  expect(res.packets.length).toBe(5);
  expect(res.problem?.frame).toBe(6);
  expect(res.problem?.offset).toBe([...boundaries(base)].sort((a, b) => a - b)[5]);
  expect(decodeBytes(new Uint8Array(0)).problem?.offset).toBe(0);
  expect(decodeBytes(Uint8Array.from({ length: 40 }, (_, i) => i)).problem?.message).toMatch(/not a pcap/);
});
