/**
 * Live capture on loopback with our `cap`-based capturer (pcap and pcapng) beside tcpdump on the
 * same ncat echo traffic: tshark and tcpdump must read our files cleanly, with tcpdump's count
 * and the same packet list. Also: error mapping, host ops, and an end-to-end pattern match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRoot, itRoot } from '../helpers/root.js';
import { waitListening } from '../helpers/wait.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCapture, linktypeNumber } from '../../src/packets/capture/live.js';
import { captureStart, captureStop } from '../../src/packets/capture/ops.js';
import { HostContext } from '../../src/hosts/context.js';
import { EnvironmentError, UsageError } from '../../src/errors.js';
import { decodeFile } from '../../src/packets/file/decode-file.js';
import { matchPackets, parsePattern } from '../../src/packets/pattern/index.js';
import { connect } from 'node:net';
import { complaints, run, sleep, startProc, stopProc, tsharkList, type Proc } from './live-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wlt2-live-'));
const PORT = 47311;
/** The server's own loopback address, so other tests' loopback traffic stays out of the filter. */
const SERVER = '127.42.2.1';

/** Sends CRLF lines to the echo server one by one, waits for all echoes (bounded: 5 s), closes. */
function echoClient(lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: SERVER, port: PORT, localAddress: '127.0.0.1' });
    const want = lines.map((l) => `${l}\r\n`).join('');
    let got = '';
    const timer = setTimeout(() => sock.destroy(), 5000);
    sock.on('error', reject);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    sock.on('connect', () => {
      void (async () => {
        for (const l of lines) {
          sock.write(`${l}\r\n`);
          await sleep(30);
        }
      })();
    });
    sock.on('data', (d) => {
      got += d.toString();
      if (got.length >= want.length) sock.end();
    });
  });
}
let server: Proc | undefined;

/** Runs a reader and returns exit code and stderr (never throws). */
async function readWith(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(cmd, args, { maxBuffer: 1 << 26 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

beforeAll(async () => {
  server = await startProc('ncat', ['-n', '-l', '-k', SERVER, String(PORT), '-e', '/bin/cat']);
  await waitListening(SERVER, PORT);
});
afterAll(async () => {
  await stopProc(server, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describeRoot('live capture on lo', () => {
  const filter = `host ${SERVER} and tcp port ${PORT}`;
  const files = { pcap: join(dir, 'ours.pcap'), pcapng: join(dir, 'ours.pcapng'), tcpdump: join(dir, 'tcpdump.pcap') };
  let tStart = 0;
  let tEnd = 0;
  let results: Awaited<ReturnType<Awaited<ReturnType<typeof startCapture>>['stop']>>[] = [];

  beforeAll(async () => {
    tStart = Date.now() / 1000;
    const td = await startProc('tcpdump', ['-n', '-i', 'lo', '--immediate-mode', '-w', files.tcpdump, filter], /listening on/);
    const a = await startCapture({ device: 'lo', filter, file: files.pcap });
    const b = await startCapture({ device: 'lo', filter, file: files.pcapng, snaplen: 65535 });
    const echoed = await echoClient(['Welcome', 'Ada Lovelace', 'Raed Hassan']);
    expect(echoed).toContain('Raed Hassan');
    await sleep(200);
    results = [await a.stop(), await b.stop()];
    tEnd = Date.now() / 1000;
    await stopProc(td);
  });

  it('writes pcap and pcapng with the device link type', () => {
    expect(results.map((r) => [r.format, r.linktype])).toEqual([
      ['pcap', 1],
      ['pcapng', 1],
    ]);
  });

  for (const kind of ['pcap', 'pcapng'] as const) {
    it(`${kind}: tshark and tcpdump read it without complaint, same packets as tcpdump`, async () => {
      const t = await readWith('tshark', ['-n', '-r', files[kind]]);
      expect(t.code).toBe(0);
      // tshark run as root always prints its 'Running as user "root"' notice; nothing else is allowed.
      expect(complaints(t.stderr)).toEqual([]);
      const d = await readWith('tcpdump', ['-n', '-r', files[kind]]);
      expect(d.code).toBe(0);
      expect(complaints(d.stderr)).toEqual([]);
      const ref = await tsharkList(files.tcpdump);
      const ours = await tsharkList(files[kind]);
      // 3 handshake + 3×(data, echo, acks…) + teardown: at least 10 frames, one copy each.
      expect(ref.length).toBeGreaterThanOrEqual(10);
      expect(ours.length).toBe(ref.length);
      expect(results[kind === 'pcap' ? 0 : 1].packets).toBe(ref.length);
      const noTime = (rows: string[][]) => rows.map((r) => r.filter((_, i) => i !== 1).join('\t'));
      expect(noTime(ours)).toEqual(noTime(ref));
    });
  }

  it('timestamps are wall-clock times within the session, in order, ns in pcapng', async () => {
    const { stdout } = await run('tshark', ['-n', '-r', files.pcapng, '-T', 'fields', '-e', 'frame.time_epoch']);
    const times = stdout.trim().split('\n').map(Number);
    expect(times.length).toBeGreaterThanOrEqual(10);
    expect(times[0]).toBeGreaterThanOrEqual(tStart);
    expect(times.at(-1)).toBeLessThanOrEqual(tEnd);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
  });

  it('the decoded capture matches the echo-session pattern end to end', async () => {
    const dec = await decodeFile(files.pcapng);
    expect(dec.problem).toBeUndefined();
    const parsed = parsePattern([
      'client > server [SYN]',
      'server > client [SYN, ACK]',
      'client > server [ACK]',
      `client > server:${PORT} [PSH, ACK] data="Welcome"`,
      '...',
      'server > client [PSH, ACK] data=/Raed/',
      '...',
      'client > server [FIN, ACK]',
      '...',
      'server > client [FIN, ACK]',
      'client > server [ACK]',
    ]);
    if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
    const m = matchPackets(parsed.pattern, dec.packets, { hosts: { client: ['127.0.0.1'], server: [SERVER] } }, { ignore: ['pure-acks'] });
    expect(m.report).toMatch(/matched/);
    expect(m.ok).toBe(true);
    expect(m.mapping[0]).toEqual([1]);
  });
});

describe('capture errors and host ops', () => {
  itRoot('an unknown device is a UsageError naming the device', async () => {
    const err = await startCapture({ device: 'wlt2-nope0', file: join(dir, 'x.pcap') }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('wlt2-nope0');
  });

  itRoot('a bad filter is a UsageError', async () => {
    const err = await startCapture({ device: 'lo', filter: 'tcp port port', file: join(dir, 'y.pcap') }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/filter/);
  });

  itRoot('snaplen cuts what is stored, not the original length', async () => {
    const file = join(dir, 'snap.pcapng');
    const c = await startCapture({ device: 'lo', filter: `host ${SERVER} and udp port 47314`, file, snaplen: 64 });
    const { createSocket } = await import('node:dgram');
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.send(Buffer.alloc(1000, 0x61), 47314, SERVER, () => r()));
    sock.close();
    expect((await c.stop()).packets).toBe(1);
    const { stdout } = await run('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'frame.len', '-e', 'frame.cap_len']);
    expect(stdout.trim()).toBe('1042\t64');
  });

  it('maps cap link-type names to LINKTYPE numbers', () => {
    expect(['NULL', 'ETHERNET', 'LINKTYPE_LINUX_SLL', 'RAW'].map(linktypeNumber)).toEqual([0, 1, 113, 101]);
    expect(linktypeNumber('Unknown linktype 276')).toBe(276);
    expect(linktypeNumber('Unknown linktype 12')).toBe(101);
    expect(EnvironmentError).toBeDefined();
  });

  itRoot('captureStart/captureStop via a host context; teardown flushes an unstopped capture', async () => {
    const ctx = new HostContext('local', dir);
    const started = await captureStart({ device: 'any', filter: `host ${SERVER} and udp port 47313`, file: 'ops.pcapng' }, ctx);
    const left = await captureStart({ device: 'lo', filter: `host ${SERVER} and udp port 47313`, file: 'left.pcap' }, ctx);
    expect(started.linktype).toBe(113);
    const { createSocket } = await import('node:dgram');
    const sock = createSocket('udp4');
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => sock.send(`ping ${i}`, 47313, SERVER, () => r()));
    sock.close();
    const res = await captureStop({ id: started.id }, ctx);
    expect(res.packets).toBe(5);
    expect(ctx.has(started.id)).toBe(false);
    expect(await ctx.shutdown()).toEqual([]);
    const rows = await tsharkList(join(dir, 'left.pcap'));
    expect(rows).toHaveLength(5);
    expect(ctx.has(left.id)).toBe(false);
    const anyRows = await tsharkList(join(dir, 'ops.pcapng'));
    expect(anyRows.map((r) => r[4])).toEqual(Array(5).fill('UDP'));
  });
});
