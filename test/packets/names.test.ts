/**
 * Differential test of the names tshark gives what it does not dissect: IP protocols 0..255 over
 * IPv4 (with and without a payload, and as first fragments) and IPv6, and ethertypes (every one
 * in tshark's table, unknown ones, and invalid length/type values), beside `tshark -n -r` on the
 * same files. Frames tshark hands to a dissector of its own (IGMP, GRE, OSPF, LLDP, …) are not
 * compared: which are is read from tshark's output, and the rest must be most of the range.
 * Also: a record whose captured length is above its original length shows the original, as tshark.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/packets/index.js';
import { ETHERTYPE_NAMES, ipProtocolName } from '../../src/packets/summary/names.js';
import { ether, ipv4, pcapFile, type SynthFrame } from './synth.js';

const haveTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wirelab-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frame = (data: Uint8Array, i: number): SynthFrame => ({ ts: [1_700_000_000 + i, 0], data });

function ipv6(next: number, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(40 + payload.length);
  p[0] = 0x60;
  new DataView(p.buffer).setUint16(4, payload.length);
  p[6] = next;
  p[7] = 64;
  p.set([0x20, 0x01, 0x0d, 0xb8], 8);
  p[23] = 1;
  p.set([0x20, 0x01, 0x0d, 0xb8], 24);
  p[39] = 2;
  p.set(payload, 40);
  return p;
}

/** IPv4 with the more-fragments flag set (offset 0): a first fragment whose rest never comes. */
function firstFragment(proto: number): Uint8Array {
  const p = ipv4('192.0.2.1', '192.0.2.2', proto, new Uint8Array(20));
  p[6] = 0x20;
  p[10] = p[11] = 0;
  let s = 0;
  for (let i = 0; i < 20; i += 2) s += (p[i] << 8) | p[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const c = ~s & 0xffff;
  p[10] = c >> 8;
  p[11] = c & 0xff;
  return p;
}

/** [protocol, info] per frame: tshark's columns, and wirelab's for the same bytes. */
function both(name: string, frames: SynthFrame[]): { tshark: [string, string][]; mine: [string, string][] } {
  const bytes = pcapFile(frames);
  const file = join(dir, `${name}.pcap`);
  writeFileSync(file, bytes);
  const out = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const tshark = out
    .split('\n')
    .slice(0, -1)
    .map((l) => l.split('\t') as [string, string]);
  const mine = decodeBytes(bytes).packets.map((p) => [p.protocol, p.info] as [string, string]);
  expect(tshark).toHaveLength(frames.length);
  return { tshark, mine };
}

const ALL = Array.from({ length: 256 }, (_, i) => i);

describe.runIf(haveTshark)('names of what tshark does not dissect, beside tshark (no tshark: skipped)', () => {
  it('IPv4 with a payload: "ISO TP4 (29)" and the others, by tshark\'s own table', () => {
    const { tshark, mine } = both(
      'ip4',
      ALL.map((p, i) => frame(ether(0x0800, ipv4('192.0.2.1', '192.0.2.2', p, new Uint8Array(20))), i)),
    );
    const plain = ALL.filter((p) => tshark[p][0] === 'IPv4' && tshark[p][1] === `${ipProtocolName(p)} (${p})`);
    expect(plain.length).toBeGreaterThan(200);
    expect(plain).toContain(29);
    expect(tshark[29]).toEqual(['IPv4', 'ISO TP4 (29)']);
    const differ = plain.filter((p) => mine[p].join(' | ') !== tshark[p].join(' | '));
    expect(differ.map((p) => `${p}: ${mine[p].join(' | ')} (tshark: ${tshark[p].join(' | ')})`)).toEqual([]);
  });

  it('IPv4 with nothing after the header: no dissector, Info empty, for every protocol', () => {
    const { tshark, mine } = both(
      'ip4-empty',
      ALL.map((p, i) => frame(ether(0x0800, ipv4('192.0.2.1', '192.0.2.2', p, new Uint8Array(0))), i)),
    );
    expect(mine).toEqual(tshark);
  });

  it('IPv4 first fragments: "Fragmented IP protocol (proto=NAME N, …)" for every protocol', () => {
    const { tshark, mine } = both(
      'ip4-frag',
      ALL.map((p, i) => frame(ether(0x0800, firstFragment(p)), i)),
    );
    expect(mine).toEqual(tshark);
  });

  it('IPv6: "Unknown IP Protocol: NAME (N)"', () => {
    const { tshark, mine } = both(
      'ip6',
      ALL.map((p, i) => frame(ether(0x86dd, ipv6(p, new Uint8Array(20))), i)),
    );
    const plain = ALL.filter((p) => tshark[p][0] === 'IPv6' && tshark[p][1] === `Unknown IP Protocol: ${ipProtocolName(p)} (${p})`);
    expect(plain.length).toBeGreaterThan(200);
    const differ = plain.filter((p) => mine[p].join(' | ') !== tshark[p].join(' | '));
    expect(differ.map((p) => `${p}: ${mine[p].join(' | ')} (tshark: ${tshark[p].join(' | ')})`)).toEqual([]);
  });

  it('ethertypes: the number as Protocol, the name from the table (else "Ethernet II") as Info', () => {
    // IPv4, IPv6 and ARP are wirelab's own dissectors (their bogus headers are another matter)
    const own = [0x0800, 0x86dd, 0x0806];
    const types = [...ETHERTYPE_NAMES.keys(), 0x1234, 0x88b7, 0xabcd, 0xffff, 0x0600 + 7, 1501, 1535].filter((t) => !own.includes(t));
    const { tshark, mine } = both(
      'eth',
      types.map((t, i) => frame(ether(t, new Uint8Array(30)), i)),
    );
    const hex = (t: number) => `0x${t.toString(16).padStart(4, '0')}`;
    const plain = types
      .map((t, i) => [t, i] as const)
      .filter(([t, i]) => tshark[i][0] === hex(t) || tshark[i][1].startsWith('Ethernet Unknown: Invalid length/type'));
    expect(plain.length).toBeGreaterThan(30);
    expect(plain.map(([t]) => t)).toEqual(expect.arrayContaining([0x88b5, 0x1234, 0xffff, 1501]));
    const differ = plain.filter(([, i]) => mine[i].join(' | ') !== tshark[i].join(' | '));
    expect(differ.map(([t, i]) => `${hex(t)}: ${mine[i].join(' | ')} (tshark: ${tshark[i].join(' | ')})`)).toEqual([]);
  });

  it('a record whose captured length is above its original length shows the original length', () => {
    const data = ether(0x88b5, new Uint8Array(46));
    const bytes = pcapFile([frame(data, 0), frame(data, 1), frame(data, 2)]);
    const dv = new DataView(bytes.buffer);
    // orig_len of the three records: below, far below and above the 60 captured bytes
    const origs = [40, 0, 100];
    for (let i = 0, o = 24; i < 3; i++, o += 16 + data.length) dv.setUint32(o + 12, origs[i], true);
    const file = join(dir, 'caplen.pcap');
    writeFileSync(file, bytes);
    const lens = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'frame.len'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n')
      .map(Number);
    expect(lens).toEqual(origs);
    expect(decodeBytes(bytes).packets.map((p) => p.length)).toEqual(lens);
  });
});
