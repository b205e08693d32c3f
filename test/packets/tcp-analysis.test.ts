/**
 * TCP analysis labels against tshark: crafted conversations (retransmissions, dup ACKs, zero
 * windows, keep-alives, gaps, port reuse, SACK, window scaling) written as pcaps and compared
 * row for row with tshark (single pass and -2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { decodeFile, formatFieldsLine, renderTsharkText } from '../../src/packets/index.js';
import { tsharkRows, tsharkText } from './live-captures.js';
import { ether, ipv4, pcapFile, tcp, type SynthFrame, type TcpSpec } from './synth.js';

const FIN = 1,
  SYN = 2,
  RST = 4,
  PSH = 8,
  ACK = 16,
  URG = 32,
  ECE = 64,
  CWR = 128;
const A = '192.0.2.10';
const B = '198.51.100.20';

const mss = (v: number): number[] => [2, 4, v >> 8, v & 0xff];
const ws = (s: number): number[] => [1, 3, 3, s];
const sackPerm = [4, 2];
const ts = (v: number, e: number): number[] => [1, 1, 8, 10, ...u32(v), ...u32(e)];
const sack = (...edges: number[]): number[] => [1, 1, 5, 2 + 4 * edges.length, ...edges.flatMap(u32)];
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Builds a conversation: `c(t, spec)` client→server, `s(t, spec)` server→client, times in ms. */
function conversation(
  build: (
    c: (t: number, s: Partial<TcpSpec> & { len?: number }) => void,
    s: (t: number, s: Partial<TcpSpec> & { len?: number }) => void,
  ) => void,
  sport = 45000,
  dport = 50007,
): SynthFrame[] {
  const frames: SynthFrame[] = [];
  const add =
    (fromClient: boolean) =>
    (t: number, spec: Partial<TcpSpec> & { len?: number }): void => {
      const full: TcpSpec = {
        sport: fromClient ? sport : dport,
        dport: fromClient ? dport : sport,
        seq: 0,
        flags: ACK,
        win: 502,
        ...spec,
        payload: spec.payload ?? (spec.len ? new Uint8Array(spec.len).fill(0x61) : undefined),
      };
      const seg = tcp(full);
      frames.push({
        ts: [1_700_000_000 + Math.floor(t / 1000), Math.round((t % 1000) * 1e6)],
        data: ether(0x0800, ipv4(fromClient ? A : B, fromClient ? B : A, 6, seg)),
      });
    };
  build(add(true), add(false));
  return frames;
}

const C0 = 1000,
  S0 = 5000;

const SCENARIOS: Record<string, SynthFrame[]> = {
  handshakeAndLosses: conversation((c, s) => {
    c(0, { seq: C0, flags: SYN, win: 64240, options: [...mss(1460), ...sackPerm, ...ts(1, 0), 1, ...ws(7)] });
    s(10, { seq: S0, ack: C0 + 1, flags: SYN | ACK, win: 65160, options: [...mss(1460), ...sackPerm, ...ts(2, 1), 1, ...ws(7)] });
    c(20, { seq: C0 + 1, ack: S0 + 1, win: 502, options: ts(3, 2) });
    c(21, { seq: C0 + 1, ack: S0 + 1, flags: PSH | ACK, len: 100 });
    c(22, { seq: C0 + 101, ack: S0 + 1, flags: PSH | ACK, len: 100 });
    c(23, { seq: C0 + 301, ack: S0 + 1, flags: PSH | ACK, len: 100 }); // gap: previous segment not captured
    s(30, { seq: S0 + 1, ack: C0 + 201, win: 509 });
    s(31, { seq: S0 + 1, ack: C0 + 201, win: 509, options: sack(C0 + 301, C0 + 401) }); // dup ack
    s(32, { seq: S0 + 1, ack: C0 + 201, win: 509, options: sack(C0 + 301, C0 + 401) }); // dup ack 2
    c(33, { seq: C0 + 201, ack: S0 + 1, flags: PSH | ACK, len: 100 }); // fast retransmission
    s(40, { seq: S0 + 1, ack: C0 + 401, win: 509 });
    c(400, { seq: C0 + 201, ack: S0 + 1, flags: PSH | ACK, len: 100 }); // spurious retransmission
    s(410, { seq: S0 + 1, ack: C0 + 401, win: 700 }); // window update
    s(420, { seq: S0 + 1, ack: C0 + 401, win: 0 }); // zero window
    c(500, { seq: C0 + 401, ack: S0 + 1, len: 1 }); // zero window probe
    s(510, { seq: S0 + 1, ack: C0 + 401, win: 0 }); // zero window probe ack
    s(520, { seq: S0 + 1, ack: C0 + 401, win: 600 }); // window update
    c(600, { seq: C0 + 400, ack: S0 + 1, len: 0 }); // keep-alive
    s(601, { seq: S0 + 1, ack: C0 + 401, win: 600 }); // keep-alive ack
    s(700, { seq: S0 + 1, ack: C0 + 901, win: 600 }); // acked unseen segment
    c(800, { seq: C0 + 401, ack: S0 + 1, flags: FIN | ACK });
    s(801, { seq: S0 + 1, ack: C0 + 402, flags: FIN | ACK, win: 600 });
    c(802, { seq: C0 + 402, ack: S0 + 2 });
    c(900, { seq: 90000, flags: SYN, win: 64240, options: [...mss(1460), 1, ...ws(7)] }); // port numbers reused
    s(901, { seq: 7000, ack: 90001, flags: RST | ACK, win: 0 });
  }),
  noScalingRetransmitsUrg: conversation(
    (c, s) => {
      c(0, { seq: C0, flags: SYN | ECE | CWR, win: 1024, options: mss(536) });
      s(5, { seq: S0, ack: C0 + 1, flags: SYN | ACK | ECE, win: 8192, options: mss(536) });
      c(10, { seq: C0 + 1, ack: S0 + 1, win: 1024 });
      c(11, { seq: C0 + 1, ack: S0 + 1, flags: PSH | ACK | URG, win: 1024, len: 10, urg: 3 });
      c(300, { seq: C0 + 1, ack: S0 + 1, flags: PSH | ACK | URG, win: 1024, len: 10, urg: 3 }); // retransmission
      s(301, { seq: S0 + 1, ack: C0 + 11, win: 8192 });
      c(302, { seq: C0 + 11, ack: S0 + 1, win: 1024, len: 8192 }); // window full (no scaling)
      c(303, { seq: C0 + 8203, ack: S0 + 1, flags: 0, win: 1024 }); // no flags
      s(304, { seq: S0 + 1, ack: C0 + 8203, flags: RST, win: 0 });
    },
    40001,
    80,
  ),
  midstreamOutOfOrder: conversation(
    (c, s) => {
      c(0, { seq: 777, ack: 999, flags: PSH | ACK, win: 300, len: 50 });
      c(1, { seq: 877, ack: 999, flags: PSH | ACK, win: 300, len: 50 });
      c(1.5, { seq: 827, ack: 999, flags: PSH | ACK, win: 300, len: 50 }); // out-of-order
      s(2, { seq: 999, ack: 927, win: 200 });
      s(3, { seq: 999, ack: 927, win: 200 });
      s(4, { seq: 999, ack: 927, win: 200 });
      s(5, { seq: 999, ack: 927, win: 200 });
      c(6, { seq: 927, ack: 999, flags: PSH | ACK, win: 300, len: 20, options: [34, 2] });
    },
    51000,
    7,
  ),
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wlt1-tcp-'));
  for (const [name, frames] of Object.entries(SCENARIOS)) await writeFile(join(dir, `${name}.pcap`), pcapFile(frames));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(Object.keys(SCENARIOS))('%s', (name) => {
  for (const twoPass of [false, true]) {
    it(`equals tshark${twoPass ? ' -2' : ''}`, async () => {
      const file = join(dir, `${name}.pcap`);
      const expected = await tsharkRows(file, twoPass);
      const res = await decodeFile(file, { twoPass });
      const got = res.packets.map(formatFieldsLine);
      const diffs = expected.flatMap((e, i) => (e === got[i] ? [] : [`#${i + 1}\n  tshark : ${e}\n  wirelab: ${got[i]}`]));
      expect(got.length).toBe(expected.length);
      expect(diffs).toEqual([]);
    });
  }

  it('text path of wirelab decode equals tshark text', async () => {
    const file = join(dir, `${name}.pcap`);
    const expected = await tsharkText(file);
    const got = renderTsharkText(await readFile(file)).text.split('\n');
    expect(got.pop()).toBe('');
    expect(got.length).toBe(expected.length);
    expect(expected.flatMap((e, i) => (e === got[i] ? [] : [`#${i + 1}\n  tshark : ${e}\n  wirelab: ${got[i]}`]))).toEqual([]);
  });
});

it('labels the analysis cases it was built for', async () => {
  const res = await decodeFile(join(dir, 'handshakeAndLosses.pcap'));
  const labels = new Set(res.packets.flatMap((p) => p.tcp?.analysis ?? []).map((l) => l.replace(/ \d+#\d+$/, '')));
  for (const l of [
    'TCP Previous segment not captured',
    'TCP Dup ACK',
    'TCP Fast Retransmission',
    'TCP Window Update',
    'TCP ZeroWindow',
    'TCP Keep-Alive',
    'TCP Port numbers reused',
  ]) {
    expect(labels).toContain(l);
  }
});
