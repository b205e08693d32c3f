#!/usr/bin/env node
// Wall time of the whole lab-1 run (topology build to teardown) and of each top-level step,
// median of N runs, through the real loader and interpreter. Needs root.
// Usage: npm run build && node bench/lab1.mjs [N=5]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenario } from '../dist/scenario/load.js';
import { runScenario } from '../dist/interpreter/run-scenario.js';
import { silentReporter } from '../dist/interpreter/reporter.js';

const N = Number(process.argv[2] ?? 5);
/** The lab's sections: top-level steps, a parallel group's branches' steps in its place (the group too). */
const sectionsOf = (steps) => steps.flatMap((s) => (s.kind === 'parallel' ? [s, ...sectionsOf(s.children ?? [])] : [s]));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r = await loadScenario('scenarios/lab1.yaml');
if (!r.ok) throw new Error('lab1.yaml does not validate');

const walls = [];
const interp = [];
const sections = new Map();
for (let i = 0; i < N; i++) {
  const out = await mkdtemp(join(tmpdir(), 'wirelab-bench-lab1-'));
  try {
    const t = performance.now();
    const { record } = await runScenario(r.loaded, { out, reporter: silentReporter });
    walls.push(performance.now() - t);
    interp.push(record.run.durationMs);
    if (record.run.exitCode !== 0) console.error(`run ${i + 1}: exit ${record.run.exitCode}`);
    for (const s of sectionsOf(record.steps)) sections.set(s.title, [...(sections.get(s.title) ?? []), s.durationMs]);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
const wall = median(walls);
const steps = median(interp);
console.log(`lab1, median of ${N} runs:`);
console.log(
  `  whole run (load → topology → steps → teardown)  ${(wall / 1000).toFixed(2)} s  (min ${(Math.min(...walls) / 1000).toFixed(2)}, max ${(Math.max(...walls) / 1000).toFixed(2)})`,
);
console.log(`  steps only                                      ${(steps / 1000).toFixed(2)} s`);
console.log(`  topology build + teardown                       ${((wall - steps) / 1000).toFixed(2)} s`);
console.log("  per section (median ms, share of the steps; a parallel group and, below it, its branches' steps, which overlap):");
const rows = [...sections].map(([title, ms]) => [title, median(ms)]).sort((a, b) => b[1] - a[1]);
for (const [title, ms] of rows)
  console.log(`    ${ms.toFixed(0).padStart(7)} ms  ${((ms / steps) * 100).toFixed(1).padStart(5)} %  ${title}`);
