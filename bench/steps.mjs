#!/usr/bin/env node
// Interpreter overhead: a scenario of N send/expect pairs against the echo fixture, run in
// process through the real loader and interpreter, beside the same N round trips done with a
// bare socket in the same run. Prints steps/s and the overhead per step (wirelab − bare).
// Usage: npm run build && node bench/steps.mjs [N=1000] [REPEAT=5]
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenarioText } from '../dist/scenario/load.js';
import { runScenario } from '../dist/interpreter/run-scenario.js';
import { silentReporter } from '../dist/interpreter/reporter.js';
import { startEcho } from '../dist/servers/echo.js';
import { HostContext } from '../dist/hosts/context.js';

const N = Number(process.argv[2] ?? 1000);
const REPEAT = Number(process.argv[3] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function scenarioText() {
  const lines = ['name: bench-steps', 'timeout: 5m', 'steps:', '  - serve: { as: e, echo: {} }', '  - connect: { to: e, as: s }'];
  for (let i = 0; i < N; i++) lines.push(`  - send: { conn: s, line: "message ${i}" }`, `  - expect: { conn: s, line: "message ${i}" }`);
  lines.push('  - close: s');
  return lines.join('\n');
}

async function wirelabRun(loaded, out) {
  const t = performance.now();
  const { record } = await runScenario(loaded, { out, reporter: silentReporter });
  const ms = performance.now() - t;
  if (record.run.exitCode !== 0) throw new Error('bench scenario failed');
  return ms;
}

async function bareRun() {
  const ctx = new HostContext('bench', tmpdir());
  const { port } = await startEcho({ address: '127.0.0.1', port: 0 }, ctx);
  const t = performance.now();
  const s = new Socket();
  s.setNoDelay(true);
  await new Promise((r) => s.connect(port, '127.0.0.1', r));
  let buf = '';
  let wake;
  s.on('data', (d) => {
    buf += d;
    wake?.();
  });
  for (let i = 0; i < N; i++) {
    const want = `message ${i}\n`;
    s.write(want);
    while (!buf.includes('\n')) await new Promise((r) => (wake = r));
    const line = buf.slice(0, buf.indexOf('\n') + 1);
    buf = buf.slice(line.length);
    if (line !== want) throw new Error('echo mismatch');
  }
  s.end();
  const ms = performance.now() - t;
  await ctx.shutdown();
  return ms;
}

const dir = await mkdtemp(join(tmpdir(), 'wirelab-bench-'));
try {
  const parsed = loadScenarioText(join(dir, 'bench.yaml'), scenarioText());
  if (!parsed.ok) throw new Error('bench scenario invalid');
  const steps = 2 * N + 3;
  await wirelabRun(parsed.loaded, dir); // warm-up
  await bareRun();
  const w = [];
  const b = [];
  for (let i = 0; i < REPEAT; i++) {
    w.push(await wirelabRun(parsed.loaded, dir));
    b.push(await bareRun());
  }
  const wm = median(w);
  const bm = median(b);
  console.log(`${N} send/expect pairs (${steps} steps), median of ${REPEAT}:`);
  console.log(`  wirelab interpreter  ${wm.toFixed(1)} ms  → ${Math.round((steps / wm) * 1000)} steps/s`);
  console.log(`  bare socket loop     ${bm.toFixed(1)} ms  (same ${N} round trips)`);
  console.log(`  ratio wirelab/bare   ${(wm / bm).toFixed(2)}×; overhead ≈ ${(((wm - bm) / steps) * 1000).toFixed(1)} µs per step`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
