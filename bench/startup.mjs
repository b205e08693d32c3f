#!/usr/bin/env node
// Start-up cost of whole wirelab processes beside `node -e 0`, in one run: each command is run
// N times, interleaved with the baseline so load affects both alike; prints medians and ratios.
// Usage: npm run build && node bench/startup.mjs [N=11]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const N = Number(process.argv[2] ?? 11);
const out = mkdtempSync(join(tmpdir(), 'wirelab-bench-startup-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cases = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'wirelab --version', argv: ['bin/wirelab.js', '--version'], goal: 1.5 },
  { name: 'wirelab validate scenarios/lab1.yaml', argv: ['bin/wirelab.js', 'validate', 'scenarios/lab1.yaml'], goal: 2.5 },
  { name: 'wirelab run scenarios/echo.yaml', argv: ['bin/wirelab.js', 'run', 'scenarios/echo.yaml', '--out', join(out, 'echo')], goal: 4 },
  { name: 'wirelab decode (no file: usage error)', argv: ['bin/wirelab.js', 'decode'] },
];
const times = cases.map(() => []);
try {
  for (let i = 0; i < N; i++) {
    cases.forEach((c, k) => {
      const t = performance.now();
      const r = spawnSync(process.execPath, c.argv, { stdio: 'ignore' });
      times[k].push(performance.now() - t);
      if (c.goal && r.status !== 0) throw new Error(`${c.name} exited ${r.status}`);
    });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const base = median(times[0]);
console.log(
  `start-up, median of ${N} (load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}):`,
);
cases.forEach((c, k) => {
  const m = median(times[k]);
  const ratio = m / base;
  const goal = c.goal ? `  goal ≤ ${c.goal}× ${ratio <= c.goal ? 'met' : 'NOT met'}` : '';
  console.log(`  ${c.name.padEnd(40)} ${m.toFixed(0).padStart(5)} ms  ${ratio.toFixed(2)}× node -e 0${goal}`);
});
