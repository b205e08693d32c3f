#!/usr/bin/env node
/**
 * Offline decode benchmark: wirelab's decode+summarise beside tshark -r and tcpdump -nn -r
 * (with and without TZ=UTC) on the same generated pcap, in the same run.
 *
 *   npx tsc -p tsconfig.build.json && node bench/decode.mjs [--packets 1000000] [--no-verify]
 *
 * Prints wall times, packets/s and ratios; with verification (default) it also checks that
 * wirelab's text output equals tshark's for the whole file.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLabPcap } from './decode-synth.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const count = Number(args[args.indexOf('--packets') + 1] || 0) || 1_000_000;
const verify = !args.includes('--no-verify');

/** Runs a command, discarding (or hashing) stdout; resolves with wall seconds. */
function timed(cmd, argv, env = {}, hash = false) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const h = hash ? createHash('sha256') : undefined;
    const fullEnv = { ...process.env, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete fullEnv[k];
    const p = spawn(cmd, argv, { stdio: ['ignore', hash ? 'pipe' : 'ignore', 'ignore'], env: fullEnv });
    if (h) p.stdout.on('data', (d) => h.update(d));
    p.on('error', reject);
    p.on('close', (code) => {
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) reject(new Error(`${cmd} exited ${code}`));
      else resolve({ s, hash: h?.digest('hex') });
    });
  });
}

const dir = await mkdtemp(join(tmpdir(), 'wirelab-bench-decode-'));
try {
  const file = join(dir, 'lab.pcap');
  const t0 = Date.now();
  const n = await writeLabPcap(file, count);
  console.log(
    `generated ${n} packets, ${((await stat(file)).size / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${file}`,
  );

  const wirelabScript = `import('${join(root, 'dist/commands/decode.js')}').then(async (m) => { process.exitCode = await m.runDecode(${JSON.stringify(file)}, {}); })`;
  const rows = [];
  const run = async (name, cmd, argv, env) => {
    const { s } = await timed(cmd, argv, env);
    rows.push({ name, s });
    console.log(
      `${name.padEnd(44)} ${s.toFixed(2).padStart(7)} s  ${Math.round(n / s)
        .toLocaleString('en-US')
        .padStart(10)} pkt/s`,
    );
  };
  await timed('node', ['--input-type=module', '-e', wirelabScript]); // warm the page cache
  await run('wirelab decode F (node, text lines)', 'node', ['--input-type=module', '-e', wirelabScript]);
  await run('tshark -n -r F', 'tshark', ['-n', '-r', file]);
  await run('TZ=UTC tcpdump -nn -r F', 'tcpdump', ['-nn', '-r', file], { TZ: 'UTC' });
  await run('tcpdump -nn -r F (TZ unset)', 'tcpdump', ['-nn', '-r', file], { TZ: undefined });

  const w = rows[0].s;
  console.log('\nratios (peer time / wirelab time; > 1 means wirelab is faster):');
  for (const r of rows.slice(1)) console.log(`  ${r.name.padEnd(40)} ${(r.s / w).toFixed(2)}×`);
  const target = 5;
  const vsTshark = rows[1].s / w;
  console.log(`\ntarget ≥ ${target}× tshark: ${vsTshark >= target ? 'met' : 'MISSED'} (${vsTshark.toFixed(2)}×)`);

  if (verify) {
    const a = await timed('node', ['--input-type=module', '-e', wirelabScript], {}, true);
    const b = await timed('tshark', ['-n', '-r', file], {}, true);
    console.log(
      `verification: wirelab output ${a.hash === b.hash ? 'IDENTICAL to' : 'DIFFERS from'} tshark -n -r (sha256 ${a.hash.slice(0, 12)})`,
    );
    if (a.hash !== b.hash) process.exitCode = 1;
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
