/** `wirelab decode`: output, exit codes for good, truncated and unreadable files; the stream API. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDecode } from '../../src/commands/decode.js';
import { UsageError } from '../../src/errors.js';
import { decodeFile, decodeStream, formatTsharkLine } from '../../src/packets/index.js';
import { ether, icmpEcho, ipv4, pcapFile, tcp } from '../packets/synth.js';

let dir = '';
let good = '';
const frames = [
  ether(
    0x0800,
    ipv4('192.0.2.1', '192.0.2.2', 6, tcp({ sport: 40000, dport: 50007, seq: 1, flags: 2, win: 1000, options: [2, 4, 5, 180] })),
  ),
  ether(0x0800, ipv4('192.0.2.2', '192.0.2.1', 6, tcp({ sport: 50007, dport: 40000, seq: 9, ack: 2, flags: 0x12, win: 1000 }))),
  ether(0x0800, ipv4('192.0.2.1', '192.0.2.2', 1, icmpEcho(8, 3, 1))),
  ether(0x0800, ipv4('192.0.2.2', '192.0.2.1', 1, icmpEcho(0, 3, 1))),
].map((data, i) => ({ ts: 1_700_000_000 + i / 100, data }));

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, a?: unknown, b?: unknown) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = typeof a === 'function' ? a : typeof b === 'function' ? b : undefined;
    if (done) queueMicrotask(() => (done as () => void)());
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wlt1-cli-'));
  good = join(dir, 'good.pcap');
  await writeFile(good, pcapFile(frames));
  const bytes = pcapFile(frames);
  await writeFile(join(dir, 'cut.pcap'), bytes.subarray(0, bytes.length - 5));
  await writeFile(join(dir, 'junk.pcap'), Buffer.from('this is not a capture file at all, sorry'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('runDecode', () => {
  it('prints tshark lines and exits 0', async () => {
    const { code, out } = await capture(() => runDecode(good, {}));
    expect(code).toBe(0);
    const expected = (await decodeFile(good)).packets.map((p) => formatTsharkLine(p));
    expect(out.split('\n').filter(Boolean)).toEqual(expected);
    expect(out).toContain('Echo (ping) reply    id=0x0003, seq=1/256, ttl=64 (request in 3)');
  });

  it('--two-pass adds forward references; --json prints one object per packet', async () => {
    const two = await capture(() => runDecode(good, { twoPass: true }));
    expect(two.out).toContain('(reply in 4)');
    const json = await capture(() => runDecode(good, { json: true }));
    const rows = json.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(4);
    expect(rows[0].tcp.flags).toEqual(['SYN']);
    expect(rows[0].payload).toBeUndefined();
  });

  it('exits 1 on a truncated file after printing what it could, with the problem on stderr', async () => {
    const { code, out, err } = await capture(() => runDecode(join(dir, 'cut.pcap'), {}));
    expect(code).toBe(1);
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
    expect(err).toMatch(/frame 4.*truncated/);
  });

  it('throws a UsageError (exit 2) for missing or non-capture files', async () => {
    await expect(runDecode(join(dir, 'nope.pcap'), {})).rejects.toBeInstanceOf(UsageError);
    await expect(runDecode(join(dir, 'junk.pcap'), {})).rejects.toThrow(/not a readable capture/);
  });
});

it('decodeStream yields the same packets as decodeFile and reports the summary', async () => {
  const stream = decodeStream(good);
  const infos: string[] = [];
  for await (const p of stream) infos.push(p.info);
  expect(infos).toEqual((await decodeFile(good)).packets.map((p) => p.info));
  expect(stream.summary()).toMatchObject({ count: 4, format: 'pcap', linktypes: [1], timeDigits: 6 });
});
