// Times wirelab's stub resolver (in-process, one resolveName() per query, no search list) beside
// `dig +short -f names` (one process, all names) against the same fixture server, which runs in
// its own process. N distinct names (h0..h(N-1).bench.example A), answers checked for both.
// Needs a build (npx tsc -p tsconfig.build.json) and dig. Usage: node bench/dns.mjs [N=1000] [reps=3]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveName } from '../dist/dns/client.js';

const N = Number(process.argv[2] ?? 1000);
const reps = Number(process.argv[3] ?? 3);
const ADDR = '127.3.9.1';
const want = (i) => `198.51.100.${i % 250}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

const child = spawn(process.execPath, [fileURLToPath(new URL('./dns-server.mjs', import.meta.url)), ADDR, String(N)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const port = await new Promise((resolve, reject) => {
  child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
  child.once('exit', (c) => reject(new Error(`server exited (${c})`)));
});
const dir = mkdtempSync(join(tmpdir(), 'wlt3-bench-'));
const namesFile = join(dir, 'names');
writeFileSync(namesFile, Array.from({ length: N }, (_, i) => `h${i}.bench.example A\n`).join(''));

async function wirelab() {
  const per = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const q0 = performance.now();
    const r = await resolveName({ name: `h${i}.bench.example.`, types: ['A'], server: `${ADDR}:${port}`, timeoutMs: 1000, attempts: 1 });
    per.push(performance.now() - q0);
    if (r.answers.A?.[0] !== want(i)) throw new Error(`wirelab: h${i} → ${JSON.stringify(r.answers)} (${r.rcode})`);
  }
  return { totalMs: performance.now() - t0, per };
}

function dig() {
  const t0 = performance.now();
  const r = spawnSync('dig', [`@${ADDR}`, '-p', String(port), '+short', '+tries=1', '+time=1', '-f', namesFile], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const totalMs = performance.now() - t0;
  const lines = r.stdout.trim().split('\n');
  if (r.status !== 0 || lines.length !== N || lines.some((l, i) => l !== want(i)))
    throw new Error(`dig: status ${r.status}, ${lines.length} lines, first bad: ${lines.find((l, i) => l !== want(i))}`);
  return { totalMs };
}

try {
  console.log(`DNS benchmark: ${N} A queries over UDP to the fixture server on ${ADDR}#${port}, ${reps} runs, medians`);
  const ours = [],
    peer = [];
  let per = [];
  for (let i = 0; i < reps; i++) {
    const a = await wirelab();
    const b = dig();
    ours.push(a.totalMs / N);
    peer.push(b.totalMs / N);
    per = per.concat(a.per);
  }
  const mo = median(ours),
    mp = median(peer);
  console.log(
    `wirelab resolveName (in-process)   ${mo.toFixed(3)} ms/query  (runs: ${ours.map((x) => x.toFixed(3)).join(', ')}; per-query p50 ${pct(per, 50).toFixed(3)} p99 ${pct(per, 99).toFixed(3)} max ${Math.max(...per).toFixed(3)})`,
  );
  console.log(`dig +short -f names (1 process)    ${mp.toFixed(3)} ms/query  (runs: ${peer.map((x) => x.toFixed(3)).join(', ')})`);
  console.log(`ratio wirelab/dig ${(mo / mp).toFixed(2)}  (below 1: wirelab faster); answers checked: ${N * reps * 2}`);
} finally {
  child.stdin.end();
  rmSync(dir, { recursive: true, force: true });
}
