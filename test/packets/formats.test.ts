/**
 * File formats and link types against tshark: pcap (LE/BE, µs/ns), pcapng (LE/BE, several
 * interfaces with their own link types and if_tsresol, unknown blocks), raw IP, NULL, LOOP,
 * SLL, and protocol corners (IPv6 extension headers, ARP, DNS record types, ICMP errors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFile, formatFieldsLine, formatTsharkLine, renderTsharkText } from '../../src/packets/index.js';
import { tsharkRows, tsharkText } from './live-captures.js';
import { ether, icmpEcho, ipv4, pcapFile, pcapngFile, tcp, udp, type SynthFrame } from './synth.js';

const T0 = 1_700_000_000;
const at = (ms: number, extraNs = 0): [number, number] => [T0 + Math.floor(ms / 1000), (ms % 1000) * 1e6 + extraNs];

function dnsMessage(id: number, flags: number, q: [string, number][], an: [string, number, number[]][]): Uint8Array {
  const out: number[] = [id >> 8, id & 0xff, flags >> 8, flags & 0xff, 0, q.length, 0, an.length, 0, 0, 0, 0];
  const name = (n: string): number[] => [...n.split('.').flatMap((l) => [l.length, ...Buffer.from(l)]), 0];
  for (const [n, t] of q) out.push(...name(n), 0, t, 0, 1);
  for (const [n, t, rd] of an) out.push(...name(n), 0, t, 0, 1, 0, 0, 0, 60, rd.length >> 8, rd.length & 0xff, ...rd);
  return Uint8Array.from(out);
}

function ipv6(src: number[], dst: number[], next: number, payload: Uint8Array, hlim = 64): Uint8Array {
  const p = new Uint8Array(40 + payload.length);
  p[0] = 0x60;
  p[4] = payload.length >> 8;
  p[5] = payload.length & 0xff;
  p[6] = next;
  p[7] = hlim;
  p.set(src, 8);
  p.set(dst, 24);
  p.set(payload, 40);
  return p;
}
const V6A = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const V6B = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xab, 0xcd];

function mixedFrames(): Uint8Array[] {
  const A = '192.0.2.1';
  const B = '192.0.2.53';
  const q = dnsMessage(0x1234, 0x0100, [['lab.example', 15]], []);
  const r = dnsMessage(0x1234, 0x8180, [['lab.example', 15]], [['lab.example', 15, [0, 10, 4, 109, 97, 105, 108, 0xc0, 12]]]);
  const nx = dnsMessage(0x0007, 0x8183, [['nope.example', 28]], []);
  const soa = dnsMessage(0x0008, 0x8180, [['example', 6]], [['example', 6, [2, 110, 115, 0xc0, 12, 0, ...new Array(20).fill(0)]]]);
  const arpReq = Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 53]);
  const arpRep = Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 2, 2, 0, 0, 0, 0, 2, 192, 0, 2, 53, 2, 0, 0, 0, 0, 1, 192, 0, 2, 1]);
  const hopByHop = Uint8Array.from([17, 0, 1, 4, 0, 0, 0, 0]);
  const inner = ipv4(A, B, 17, udp(40000, 33434, new Uint8Array(12)), 1);
  const unreach = new Uint8Array(8 + inner.length);
  unreach[0] = 3;
  unreach[1] = 3;
  unreach.set(inner, 8);
  const ttlx = new Uint8Array(8 + inner.length);
  ttlx[0] = 11;
  ttlx.set(inner, 8);
  return [
    ether(0x0806, arpReq, [2, 0, 0, 0, 0, 1], [255, 255, 255, 255, 255, 255]),
    ether(0x0806, arpRep, [2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1]),
    ether(0x0800, ipv4(A, B, 17, udp(5353, 53, q))),
    ether(0x0800, ipv4(B, A, 17, udp(53, 5353, r))),
    ether(0x0800, ipv4(B, A, 17, udp(53, 5353, nx))),
    ether(0x0800, ipv4(B, A, 17, udp(53, 5353, soa))),
    ether(0x0800, ipv4(A, B, 1, icmpEcho(8, 7, 1), 1)),
    ether(0x0800, ipv4(B, A, 1, ttlx)),
    ether(0x0800, ipv4(A, B, 1, icmpEcho(8, 7, 2), 2)),
    ether(0x0800, ipv4(B, A, 1, unreach)),
    ether(0x86dd, ipv6(V6A, V6B, 0, Uint8Array.from([...hopByHop, ...udp(1000, 2000, new Uint8Array(4))]))),
    ether(
      0x86dd,
      ipv6(
        V6A,
        V6B,
        6,
        tcp({ sport: 1, dport: 2, seq: 5, flags: 2, win: 100, options: [2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 14] }),
      ),
    ),
    ether(0x0800, ipv4(A, B, 17, udp(1234, 7, new Uint8Array(5)))),
  ];
}

/** Wraps an Ethernet frame's payload for another link type. */
function relink(f: Uint8Array, linktype: number): Uint8Array {
  const type = (f[12] << 8) | f[13];
  const payload = f.subarray(14);
  const head = (bytes: number[]): Uint8Array => Uint8Array.from([...bytes, ...payload]);
  const af = type === 0x86dd ? 24 : 2;
  switch (linktype) {
    case 0:
      return head([af, 0, 0, 0]);
    case 108:
      return head([0, 0, 0, af]);
    case 101:
      return Uint8Array.from(payload);
    case 113:
      return head([0, 0, 0, 1, 0, 6, ...f.subarray(6, 12), 0, 0, f[12], f[13]]);
    default:
      return f;
  }
}

const FILES: Record<string, Uint8Array> = {};
function build(): void {
  const frames = mixedFrames();
  const sf = (list: Uint8Array[], step = 10): SynthFrame[] => list.map((d, i) => ({ ts: at(i * step, i * 7), data: d }));
  FILES['pcap-le-us'] = pcapFile(sf(frames));
  FILES['pcap-be-us'] = pcapFile(sf(frames), { be: true });
  FILES['pcap-le-ns'] = pcapFile(sf(frames), { ns: true });
  FILES['pcap-be-ns'] = pcapFile(sf(frames), { ns: true, be: true });
  const ip = frames.filter((f) => ((f[12] << 8) | f[13]) !== 0x0806);
  for (const lt of [0, 108, 101, 113]) FILES[`pcap-linktype-${lt}`] = pcapFile(sf(ip.map((f) => relink(f, lt))), { linktype: lt });
  FILES['pcapng-le'] = pcapngFile(sf(frames), { interfaces: [{ linktype: 1, tsresol: 6 }] });
  FILES['pcapng-be-ns'] = pcapngFile(sf(frames), { be: true, interfaces: [{ linktype: 1, tsresol: 9 }], unknownBlock: true });
  FILES['pcapng-default-resol'] = pcapngFile(sf(frames), { interfaces: [{ linktype: 1 }] });
  const multi: SynthFrame[] = ip.map((f, i) => ({ ts: at(i * 3, i), data: i % 2 ? relink(f, 101) : f, iface: i % 2 }));
  FILES['pcapng-two-interfaces'] = pcapngFile(multi, {
    interfaces: [
      { linktype: 1, tsresol: 6 },
      { linktype: 101, tsresol: 9 },
    ],
  });
}

let dir = '';
beforeAll(async () => {
  build();
  dir = await mkdtemp(join(tmpdir(), 'wlt1-fmt-'));
  for (const [name, bytes] of Object.entries(FILES)) await writeFile(join(dir, name), bytes);
  if (process.env.WLT1_KEEP) for (const [name, bytes] of Object.entries(FILES)) await writeFile(join(process.env.WLT1_KEEP, name), bytes);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(Object.keys((build(), FILES)))('%s', (name) => {
  it('equals tshark -2 and tshark (fields and text line)', async () => {
    const file = join(dir, name);
    for (const twoPass of [true, false]) {
      const expected = await tsharkRows(file, twoPass);
      const res = await decodeFile(file, { twoPass });
      expect(res.problem).toBeUndefined();
      const got = res.packets.map(formatFieldsLine);
      expect(got.length).toBe(expected.length);
      expect(expected.flatMap((e, i) => (e === got[i] ? [] : [`tshark : ${e}\nwirelab: ${got[i]}`]))).toEqual([]);
    }
    const text = await tsharkText(file);
    const res = await decodeFile(file);
    const lines = res.packets.map((p) => formatTsharkLine(p));
    expect(text.flatMap((e, i) => (e === lines[i] ? [] : [`tshark : ${e}\nwirelab: ${lines[i]}`]))).toEqual([]);
    // The byte-writer path of `wirelab decode` prints the same lines.
    const written = renderTsharkText(FILES[name]).text.split('\n');
    expect(written.pop()).toBe('');
    expect(written.length).toBe(text.length);
    expect(text.flatMap((e, i) => (e === written[i] ? [] : [`tshark : ${e}\nwriter : ${written[i]}`]))).toEqual([]);
  });
});
