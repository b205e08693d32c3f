/**
 * Differential test: real lab traffic on loopback is captured by tcpdump (pcap, Ethernet),
 * dumpcap (pcapng), and tcpdump on the `any` device (SLL and SLL2); every row of wirelab's
 * summary must equal tshark's, in single-pass and two-pass (-2) mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFile, formatFieldsLine, formatTsharkLine, renderTsharkText } from '../../src/packets/index.js';
import { echoSession, runQuiet, sleep, start, stop, tsharkRows, tsharkText, type Started } from './live-captures.js';
import { waitConnectionsClosed, waitListening } from '../helpers/wait.js';

const ECHO_PORT = 40000 + Math.floor(Math.random() * 9000);
const CLOSED_PORT = ECHO_PORT + 1;
const HTTP_PORT = 8000;
// Loopback addresses of our own (127.77.R.x), so traffic of tests running in parallel stays out
// of the captures (the filter names them).
const NET = `127.77.${1 + Math.floor(Math.random() * 250)}`;
const DNS_IP = `${NET}.53`;
const PING_IP = `${NET}.2`;
const TRACE_IP = `${NET}.3`;
const ECHO_IP = `${NET}.7`;
const HTTP_IP = `${NET}.80`;

let dir = '';
const procs: Started[] = [];
const files: Record<string, string> = {};

async function traffic(): Promise<void> {
  const echo = await start('ncat', ['-l', ECHO_IP, String(ECHO_PORT), '-k', '--exec', '/bin/cat']);
  procs.push(echo);
  await waitListening(ECHO_IP, ECHO_PORT);
  const got = await echoSession(ECHO_IP, ECHO_PORT, ['Ada Lovelace', 'hello world']);
  expect(got).toBe('Ada Lovelace\r\nhello world\r\n');

  const conf = join(dir, 'dnsmasq.conf');
  await writeFile(conf, '');
  const dns = await start('dnsmasq', [
    '-k',
    '--no-resolv',
    '--no-hosts',
    `--conf-file=${conf}`,
    `--listen-address=${DNS_IP}`,
    '--bind-interfaces',
    '--port=53',
    '--local=/lab/',
    '--host-record=a.lab,127.0.0.10',
    '--cname=www.lab,a.lab',
    '--pid-file=',
    '--user=root',
  ]);
  procs.push(dns);
  await waitListening(DNS_IP, 53); // dnsmasq binds TCP after UDP
  for (const q of [
    ['a.lab', 'A'],
    ['www.lab', 'A'],
    ['a.lab', 'AAAA'],
    ['nx.lab', 'A'],
  ]) {
    await runQuiet('dig', ['-p', '53', `@${DNS_IP}`, q[0], q[1], '+tries=1', '+time=1']);
  }
  await runQuiet('dig', ['+tcp', `@${DNS_IP}`, 'a.lab', 'A', '+tries=1', '+time=1']);

  await runQuiet('ping', ['-c', '2', '-i', '0.2', PING_IP]);
  await runQuiet('ping', ['-6', '-c', '2', '-i', '0.2', '::1']);
  await runQuiet('traceroute', ['-n', '-q', '1', '-m', '2', TRACE_IP]);
  await runQuiet('traceroute', ['-I', '-n', '-q', '1', '-m', '2', TRACE_IP]);
  const ports = `${ECHO_PORT},${CLOSED_PORT}`;
  await runQuiet('nmap', ['-n', '-Pn', '-sT', '-p', ports, ECHO_IP]);
  await runQuiet('nmap', ['-n', '-Pn', '-sS', '-p', ports, ECHO_IP]);

  // The real interpreter, not a pyenv-style shim, so the PID we stop is the server's own.
  const { stdout: python } = await promisify(execFile)('python3', ['-c', 'import sys; print(sys.executable)']);
  const http = await start(python.trim(), ['-m', 'http.server', '--bind', HTTP_IP, String(HTTP_PORT), '--directory', dir]);
  procs.push(http);
  await waitListening(HTTP_IP, HTTP_PORT);
  await runQuiet('curl', ['-s', '-o', '/dev/null', `http://${HTTP_IP}:${HTTP_PORT}/`]);
  await runQuiet('curl', ['-s', '-o', '/dev/null', `http://${HTTP_IP}:${HTTP_PORT}/missing`]);
  // the server's side of the last connection closed too (its FIN is in the capture)
  await waitConnectionsClosed(HTTP_IP, HTTP_PORT);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wlt1-decode-'));
  const hosts = [DNS_IP, PING_IP, TRACE_IP, ECHO_IP, HTTP_IP].map((h) => `host ${h}`).join(' or ');
  const filter = `${hosts} or (icmp6 and host ::1)`;
  files.pcap = join(dir, 'lo.pcap');
  files.pcapng = join(dir, 'lo.pcapng');
  files.sll = join(dir, 'any-sll.pcap');
  files.sll2 = join(dir, 'any-sll2.pcap');
  procs.push(await start('tcpdump', ['-i', 'lo', '-n', '-U', '-w', files.pcap, filter], /listening on/));
  procs.push(await start('tcpdump', ['-i', 'any', '-n', '-U', '-w', files.sll, filter], /listening on/));
  procs.push(await start('tcpdump', ['-i', 'any', '-y', 'LINUX_SLL2', '-n', '-U', '-w', files.sll2, filter], /listening on/));
  procs.push(await start('dumpcap', ['-q', '-i', 'lo', '-f', filter, '-w', files.pcapng], /Capturing on|File:/, 8000));
  await sleep(500);
  try {
    await traffic();
  } finally {
    await sleep(500);
    for (const p of procs.reverse()) await stop(p, 'SIGINT');
  }
}, 120_000);

afterAll(async () => {
  for (const p of procs) await stop(p, 'SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

function diff(expected: string[], got: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(expected.length, got.length); i++) {
    if (expected[i] !== got[i]) out.push(`#${i + 1}\n  tshark : ${expected[i]}\n  wirelab: ${got[i]}`);
  }
  return out;
}

describe.each(['pcap', 'pcapng', 'sll', 'sll2'])('capture %s', (kind) => {
  for (const twoPass of [false, true]) {
    it(`matches tshark${twoPass ? ' -2' : ''} row for row`, async () => {
      const expected = await tsharkRows(files[kind], twoPass);
      const res = await decodeFile(files[kind], { twoPass });
      expect(res.problem).toBeUndefined();
      expect(expected.length).toBeGreaterThan(40);
      const got = res.packets.map(formatFieldsLine);
      expect(diff(expected, got)).toEqual([]);
    });
  }

  it('reproduces the default text line (spacing, time precision)', async () => {
    const expected = await tsharkText(files[kind]);
    const res = await decodeFile(files[kind]);
    expect(
      diff(
        expected,
        res.packets.map((p) => formatTsharkLine(p)),
      ),
    ).toEqual([]);
    const written = renderTsharkText(await readFile(files[kind])).text.split('\n');
    expect(written.pop()).toBe('');
    expect(diff(expected, written)).toEqual([]);
  });
});

describe('capture contents', () => {
  it('contains the lab protocols (so the comparison means something)', async () => {
    const res = await decodeFile(files.pcap);
    const protos = new Set(res.packets.map((p) => p.protocol));
    for (const p of ['TCP', 'DNS', 'ICMP', 'ICMPv6', 'UDP', 'HTTP']) expect(protos).toContain(p);
    expect(res.packets.some((p) => p.info.includes('No such name'))).toBe(true);
    expect(res.packets.some((p) => p.info.includes('CNAME'))).toBe(true);
    expect(res.packets.some((p) => p.tcp?.flags.join() === 'RST,ACK')).toBe(true);
  });
});
