/** The streaming reader gives the same frames whatever the chunk size (records split across reads). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureBytes, readCaptureFile, type Frame } from '../../src/packets/index.js';
import { ether, ipv4, pcapFile, pcapngFile, prng, udp, type SynthFrame } from './synth.js';

let dir = '';
const rnd = prng(7);
const frames: SynthFrame[] = Array.from({ length: 300 }, (_, i) => ({
  ts: [1_700_000_000 + i, i * 1000] as [number, number],
  data: ether(0x0800, ipv4('192.0.2.1', '192.0.2.2', 17, udp(1000 + i, 2000, new Uint8Array(Math.floor(rnd() * 1400))))),
}));
const files: Record<string, Uint8Array> = { pcap: pcapFile(frames), pcapng: pcapngFile(frames, { be: true, unknownBlock: true }) };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wlt1-reader-'));
  for (const [n, b] of Object.entries(files)) await writeFile(join(dir, n), b);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const key = (f: Frame): string => `${f.offset}:${f.sec}.${f.nsec}:${f.caplen}:${Buffer.from(f.data).toString('hex')}`;

it.each(Object.keys(files))('%s: chunked reads equal one in-memory parse', async (name) => {
  const whole: string[] = [];
  readCaptureBytes(files[name], (f) => whole.push(key(f)));
  expect(whole).toHaveLength(300);
  for (const chunk of [61, 333, 4096, 65536]) {
    for (const reuse of [false, true]) {
      const got: string[] = [];
      const res = await readCaptureFile(join(dir, name), (f) => got.push(key(f)), chunk, undefined, reuse);
      expect(res.problem).toBeUndefined();
      expect(got).toEqual(whole);
    }
  }
});

it('a file cut inside a record reports the record offset, whatever the chunk size', async () => {
  const bytes = files.pcap;
  const cut = join(dir, 'cut');
  await writeFile(cut, bytes.subarray(0, bytes.length - 10));
  const offsets: number[] = [];
  readCaptureBytes(bytes, (f) => offsets.push(f.offset));
  for (const chunk of [13, 1 << 20]) {
    const res = await readCaptureFile(cut, () => undefined, chunk);
    expect(res.problem).toMatchObject({ offset: offsets[299], frame: 300 });
  }
});
