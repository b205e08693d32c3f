import { execFile } from 'node:child_process';
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { promisify } from 'node:util';
import { readdirSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TargetRefusedError } from '../../src/errors.js';
import { connectScan } from '../../src/probes/scan-connect.js';
import { synScan } from '../../src/probes/scan-syn.js';
import { udpScan } from '../../src/probes/scan-udp.js';
import { RawChannel } from '../../src/probes/raw.js';
import { probeOps } from '../../src/probes/ops.js';
import { nativeProbe, nativeProbeError } from '../../src/probes/native.js';
import { checkTarget } from '../../src/probes/target.js';
import { nmapStates } from './peers.js';

const isRoot = process.getuid?.() === 0;
const servers: Server[] = [];
let open: number[] = [];
let ports: number[] = [];

async function listen(): Promise<number> {
  const s = createServer((c) => c.destroy());
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

beforeAll(async () => {
  open = [await listen(), await listen(), await listen()];
  // the listeners, their neighbours and a few low ports that nothing here listens on
  ports = [...new Set(open.flatMap((p) => [p - 2, p - 1, p, p + 1, p + 2]).concat([1, 3, 9]))]
    .filter((p) => p > 0 && p < 65536)
    .sort((a, b) => a - b);
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

function states(result: { ports: { port: number; state: string }[] }): Map<number, string> {
  return new Map(result.ports.map((p) => [p.port, p.state]));
}

/**
 * Our states and nmap's for the same ports, scanned back to back. Other processes on this
 * machine open and close loopback listeners (ports near ours are in the ephemeral range), so a
 * difference is re-checked once with a fresh pair of scans before it counts.
 */
async function withNmap(
  ours: () => Promise<{ ports: { port: number; state: string }[] }>,
  flag: string,
): Promise<[Map<number, string>, Map<number, string>]> {
  let pair: [Map<number, string>, Map<number, string>] = [new Map(), new Map()];
  for (let attempt = 0; attempt < 2; attempt++) {
    pair = [states(await ours()), nmapStates([flag], '127.0.0.1', ports.join(','))];
    if (ports.every((p) => pair[0].get(p) === pair[1].get(p))) break;
  }
  return pair;
}

describe('the native scan module', () => {
  it('is built by npm ci and loads (else scans fall back to the portable path)', () => {
    expect(nativeProbeError()).toBeUndefined();
    expect(nativeProbe()).toBeDefined();
  });

  it('reads an IPv4 SYN scan from a packet socket ring behind its filter, ICMP unreachables included', () => {
    const native = nativeProbe()!;
    const out = new Int32Array(2 * 4096);
    const scanner = native.open({ mode: 'syn', source: '127.0.0.1', target: '127.0.0.1', sport: 47999, seqBase: 1 }, out, () => {});
    try {
      expect(native.readsIcmp4?.(scanner)).toBe(true);
    } finally {
      native.close(scanner);
    }
  });
});

describe.each([
  { engine: 'native', portable: false },
  { engine: 'portable', portable: true },
] as const)('loopback scans ($engine)', ({ engine, portable }) => {
  it('connect scan finds our listeners open and the rest closed, like nmap -sT', async () => {
    const res = await connectScan({ target: '127.0.0.1', ports, portable });
    expect(res.engine).toBe(engine);
    const mine = states(res);
    for (const p of open) expect(mine.get(p)).toBe('open');
    expect(mine.get(1)).toBe('closed');
    expect(res.ports.find((p) => p.port === open[0])?.reason).toBe('syn-ack');
    expect(res.ports.find((p) => p.port === 1)?.reason).toBe('conn-refused');
    const [again, peer] = await withNmap(() => connectScan({ target: '127.0.0.1', ports, portable }), '-sT');
    for (const p of ports) expect(again.get(p), `port ${p}`).toBe(peer.get(p));
    expect(res.probesSent).toBe(ports.length);
    expect(res.probes.every((p) => p.sent === 'SYN')).toBe(true);
  });

  it.skipIf(!portable)('the net.Socket connector gives the same states as the handle connector', async () => {
    const viaHandles = states(await connectScan({ target: '127.0.0.1', ports, portable }));
    const viaSockets = states(await connectScan({ target: '127.0.0.1', ports, portable, useHandles: false }));
    expect(viaSockets).toEqual(viaHandles);
    for (const p of open) expect(viaSockets.get(p)).toBe('open');
  });

  it.skipIf(!isRoot)('SYN scan agrees with nmap -sS', async () => {
    const res = await synScan({ target: '127.0.0.1', ports, portable });
    expect(res.engine).toBe(engine);
    const mine = states(res);
    for (const p of open) expect(mine.get(p)).toBe('open');
    expect(res.ports.find((p) => p.port === 1)?.reason).toBe('reset');
    expect(res.probes.find((p) => p.port === open[0])?.answer).toBe('SYN/ACK');
    const [again, peer] = await withNmap(() => synScan({ target: '127.0.0.1', ports, portable }), '-sS');
    for (const p of ports) expect(again.get(p), `port ${p}`).toBe(peer.get(p));
  });

  it('scans all 65535 ports with bounded fds and records a capped probe log', async () => {
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const res = await connectScan({ target: '127.0.0.1', ports: '-', maxRecordedProbes: 100, portable });
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fdsBefore);
    expect(res.ports.length).toBe(65535);
    for (const p of open) expect(states(res).get(p)).toBe('open');
    expect(res.probes.length).toBe(100);
    expect(res.probesOmitted).toBe(res.probesSent - 100);
  });

  it.skipIf(!isRoot)('SYN scan of all 65535 ports: our listeners open, nothing lost to filtered', async () => {
    const res = await synScan({ target: '127.0.0.1', ports: '-', maxRecordedProbes: 10, portable });
    expect(res.ports.length).toBe(65535);
    for (const p of open) expect(states(res).get(p)).toBe('open');
    expect(res.ports.filter((p) => p.state === 'filtered').map((p) => p.port)).toEqual([]);
  });

  it('connect scan works over IPv6 loopback', async () => {
    const s = createServer((c) => c.destroy());
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '::1', r));
    const p6 = (s.address() as { port: number }).port;
    const res = await connectScan({ target: '::1', ports: [p6, 1], portable });
    expect(res.ports.map((p) => `${p.port}:${p.state}:${p.reason}`)).toEqual([`1:closed:conn-refused`, `${p6}:open:syn-ack`]);
  });

  it('a port that is only a client socket source port is closed', async () => {
    const c = new Socket();
    await new Promise<void>((r) => c.connect(open[0], '127.0.0.1', r));
    const res = await connectScan({ target: '127.0.0.1', ports: [c.localPort!], portable });
    c.destroy();
    expect(res.ports[0].state).toBe('closed');
  });
});

describe.each([
  { engine: 'native', portable: false },
  { engine: 'portable', portable: true },
] as const)('loopback UDP scan ($engine)', ({ engine, portable }) => {
  it('tells a replying port (open), a silent one (open|filtered) and closed ones apart, like nmap -sU', async () => {
    const answering = createSocket('udp4');
    const silent = createSocket('udp4');
    answering.on('message', (_m, r) => answering.send('pong', r.port, r.address));
    const bind = (s: DgramSocket) => new Promise<number>((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)));
    try {
      const a = await bind(answering);
      const q = await bind(silent);
      const list = [...new Set([a, q, a + 1, q + 1, 9])].sort((x, y) => x - y);
      const res = await udpScan({ target: '127.0.0.1', ports: list, portable });
      expect(res.engine).toBe(engine);
      const mine = states(res);
      expect(mine.get(a)).toBe('open');
      expect(mine.get(q)).toBe('open|filtered');
      expect(res.ports.find((p) => p.port === a)).toMatchObject({ proto: 'udp', reason: 'udp-response' });
      expect(res.ports.find((p) => p.port === 9)).toMatchObject({ state: 'closed', reason: 'port-unreach', service: 'discard' });
      expect(res.probes.every((p) => p.sent === 'UDP')).toBe(true);
      if (isRoot) {
        // nmap runs asynchronously: the replying socket lives in this process's event loop
        const { stdout } = await promisify(execFile)('nmap', ['-n', '-Pn', '-sU', '-p', list.join(','), '-oX', '-', '127.0.0.1']);
        const peer = new Map([...stdout.matchAll(/portid="(\d+)"><state state="([a-z|]+)"/g)].map((m) => [Number(m[1]), m[2]]));
        for (const p of list) expect(mine.get(p), `port ${p}`).toBe(peer.get(p) ?? 'closed');
      }
    } finally {
      answering.close();
      silent.close();
    }
  });
});

describe('loopback UDP scan of every port', () => {
  it.runIf(isRoot)("agrees with nmap -sU, the port of the scanner's own socket included", async () => {
    // other processes may bind UDP ports between the two scans: a difference counts only if a
    // second pair of scans shows it too
    let diff: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await udpScan({ target: '127.0.0.1', ports: '-', maxRecordedProbes: 10 });
      expect(res.engine).toBe('native');
      expect(res.ports.length).toBe(65535);
      const { stdout } = await promisify(execFile)('nmap', ['-n', '-Pn', '-sU', '-T5', '-p-', '-oX', '-', '127.0.0.1'], {
        maxBuffer: 64 << 20,
      });
      const peer = new Map([...stdout.matchAll(/portid="(\d+)"><state state="([a-z|]+)"/g)].map((m) => [Number(m[1]), m[2]]));
      diff = res.ports
        .filter((p) => p.state !== (peer.get(p.port) ?? 'closed'))
        .map((p) => `${p.port}: ${p.state} vs ${peer.get(p.port) ?? 'closed'}`);
      if (!diff.length) break;
    }
    expect(diff).toEqual([]);
  });
});

describe('target refusal', () => {
  it('throws synchronously in the gate, before any socket exists', () => {
    expect(() => checkTarget('192.0.2.1')).toThrow(TargetRefusedError);
    expect(() => checkTarget('192.0.2.1', ['198.51.100.0/24'])).toThrow(TargetRefusedError);
    expect(checkTarget('192.0.2.1', ['192.0.2.0/24']).family).toBe(4);
    expect(checkTarget('127.3.2.1').address).toBe('127.3.2.1');
    expect(checkTarget('::1').family).toBe(6);
    expect(() => checkTarget('localhost')).toThrow(/not an IP address/);
    expect(() => checkTarget('127.0.0.1', ['nonsense'])).toThrow(/bad allow-list entry/);
  });

  it('scan and trace refuse 192.0.2.1 without sending anything', async () => {
    const connect = vi.spyOn(Socket.prototype, 'connect');
    const raw = vi.spyOn(RawChannel.prototype, 'send');
    try {
      for (const method of ['connect', 'syn', 'udp'] as const) {
        await expect(probeOps.scan({ target: '192.0.2.1', ports: '80', method }, {} as never)).rejects.toBeInstanceOf(TargetRefusedError);
      }
      for (const probe of ['udp', 'icmp', 'tcp'] as const) {
        await expect(probeOps.trace({ target: '192.0.2.1', probe }, {} as never)).rejects.toBeInstanceOf(TargetRefusedError);
      }
      expect(connect).not.toHaveBeenCalled();
      expect(raw).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
      raw.mockRestore();
    }
  });
});
