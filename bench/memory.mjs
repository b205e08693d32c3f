#!/usr/bin/env node
// Peak resident memory of `wirelab run SCENARIO`, summed over its whole process tree (the run,
// its host agents or threads, servers, tools), sampled every 20 ms from /proc, with hosts as
// threads (the default) and as agent processes; the report is not rendered (`--no-report`:
// pdflatex is not wirelab) (WIRELAB_HOSTS=process), N runs each. Needs root
// for a topology. The peer line is `node -e 0`'s own peak, for scale.
//   npm run build && node bench/memory.mjs [SCENARIO=scenarios/lab1.yaml] [N=3]
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SCENARIO = process.argv[2] ?? 'scenarios/lab1.yaml';
const N = Number(process.argv[3] ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** RSS in kB of `root` and all its descendants now. */
function treeRss(root) {
  const kids = new Map();
  const rss = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'));
      rss.set(Number(d), m ? Number(m[1]) : 0);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {
      /* gone */
    }
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    sum += rss.get(p) ?? 0;
    stack.push(...(kids.get(p) ?? []));
  }
  return sum;
}

async function peak(env) {
  const out = mkdtempSync(join(tmpdir(), 'wirelab-bench-mem-'));
  try {
    const child = spawn(process.execPath, [join(ROOT, 'bin/wirelab.js'), 'run', SCENARIO, '--out', out, '--json', '--no-report'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    let max = 0;
    const timer = setInterval(() => (max = Math.max(max, treeRss(child.pid))), 20);
    const code = await new Promise((r) => child.on('exit', r));
    clearInterval(timer);
    if (code !== 0) console.error(`run exited ${code}`);
    return max / 1024;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const nodeKb = Number(/(\d+)/.exec(spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '-e', '0'], { encoding: 'utf8' }).stderr)[1]);
const rows = [];
for (const [label, env] of [
  ['threads', { WIRELAB_HOSTS: 'thread' }],
  ['processes', { WIRELAB_HOSTS: 'process' }],
]) {
  const xs = [];
  for (let i = 0; i < N; i++) xs.push(await peak(env));
  rows.push([label, median(xs), Math.min(...xs), Math.max(...xs)]);
}
console.log(`${SCENARIO}: peak RSS summed over the process tree, median of ${N} (min–max)`);
for (const [label, m, lo, hi] of rows)
  console.log(`  hosts as ${label.padEnd(9)} ${m.toFixed(0).padStart(5)} MB  (${lo.toFixed(0)}–${hi.toFixed(0)})`);
console.log(`  node -e 0           ${(nodeKb / 1024).toFixed(0).padStart(5)} MB  (peer, for scale)`);
console.log(`  ratio threads/processes ${(rows[0][1] / rows[1][1]).toFixed(2)}`);
