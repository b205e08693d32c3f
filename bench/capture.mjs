/**
 * Live capture to file: wirelab's `cap` capturer (dist/packets/live.js) beside `tcpdump -w` on the
 * same bounded loopback UDP flood (127.0.0.1:18099, 18-byte payloads, a sink socket that never
 * reads). Each capturer runs in its own process; the flood runs once per capturer, in turn.
 * Prints sent, captured, captured/sent and the capturer's CPU seconds, then the ratios.
 *
 *   npx tsc -p tsconfig.build.json && node bench/capture.mjs [packets=300000] [reps=3]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 300_000);
const REPS = Number(process.argv[3] ?? 3);
const PORT = 18099;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const sender = `
const dgram = require('node:dgram');
const sink = dgram.createSocket('udp4');
sink.bind(${PORT}, '127.0.0.1', async () => {
  sink.setRecvBufferSize?.(1 << 20);
  const s = dgram.createSocket('udp4');
  s.connect(${PORT}, '127.0.0.1', async () => {
    const msg = Buffer.alloc(18, 0x61);
    let sent = 0;
    while (sent < ${N}) {
      for (let i = 0; i < 256 && sent < ${N}; i++, sent++) s.send(msg);
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 200));
    console.log(sent);
    process.exit(0);
  });
});`;

const capturer = `
import { startCapture } from ${JSON.stringify(join(root, 'dist/packets/live.js'))};
const c = await startCapture({ device: 'lo', filter: 'udp port ${PORT}', file: process.env.WL_CAPTURE_FILE });
console.log('ready');
process.stdin.resume();
process.stdin.on('end', async () => {
  const r = await c.stop();
  const u = process.cpuUsage();
  console.log(JSON.stringify({ ...r, cpu: (u.user + u.system) / 1e6 }));
  process.exit(0);
});`;

function start(cmd, args, opts = {}) {
  const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  p.out = '';
  p.stdout.on('data', (d) => (p.out += d));
  p.stderr.on('data', (d) => (p.out += d));
  return p;
}
async function until(p, re, ms = 10_000) {
  const t0 = Date.now();
  while (!re.test(p.out) && Date.now() - t0 < ms) await sleep(20);
  if (!re.test(p.out)) throw new Error(`not ready: ${p.out}`);
}
const exited = (p) => new Promise((r) => (p.exitCode !== null ? r() : p.once('exit', r)));
async function cpuOf(pid) {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
async function flood() {
  const s = start(process.execPath, ['-e', sender]);
  await exited(s);
  return Number(s.out.trim());
}

async function runTcpdump(file) {
  const p = start('tcpdump', ['-i', 'lo', '-nn', '-w', file, `udp port ${PORT}`]);
  await until(p, /listening on/);
  const sent = await flood();
  await sleep(100);
  const cpu = await cpuOf(p.pid);
  p.kill('SIGINT');
  await exited(p);
  const captured = Number(/(\d+) packets captured/.exec(p.out)?.[1]);
  return { sent, captured, cpu };
}

async function runWirelab(file) {
  const p = start(process.execPath, ['--input-type=module', '-e', capturer], { env: { ...process.env, WL_CAPTURE_FILE: file } });
  await until(p, /ready/);
  const sent = await flood();
  p.stdin.end();
  await exited(p);
  const r = JSON.parse(p.out.trim().split('\n').pop());
  return { sent, captured: r.packets, cpu: r.cpu };
}

const dir = await mkdtemp(join(tmpdir(), 'wirelab-bench-capture-'));
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const res = { tcpdump: [], wirelab: [] };
  for (let i = 0; i < REPS; i++) {
    res.tcpdump.push(await runTcpdump(join(dir, `td${i}.pcap`)));
    res.wirelab.push(await runWirelab(join(dir, `wl${i}.pcap`)));
  }
  console.log(`loopback UDP flood, ${N} packets per run, ${REPS} runs each (median; all runs listed)`);
  for (const [name, runs] of Object.entries(res)) {
    const ratio = runs.map((r) => r.captured / r.sent);
    console.log(`${name.padEnd(8)} captured/sent ${med(ratio).toFixed(4)}  capturer CPU ${med(runs.map((r) => r.cpu)).toFixed(2)} s   runs: ${runs.map((r) => `${r.captured}/${r.sent} ${r.cpu.toFixed(2)}s`).join(', ')}`);
  }
  const cpuRatio = med(res.wirelab.map((r) => r.cpu)) / med(res.tcpdump.map((r) => r.cpu));
  console.log(`ratio wirelab/tcpdump: captured ${(med(res.wirelab.map((r) => r.captured / r.sent)) / med(res.tcpdump.map((r) => r.captured / r.sent))).toFixed(4)}, CPU ${cpuRatio.toFixed(2)}x`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
