/**
 * Fuzz: 1,000 mutated scenario files (from scenarios/*.yaml: byte flips, deletions, duplicated
 * lines, swapped lines, type swaps, deep nesting, huge numbers, aliases) through what
 * `wirelab validate` does, in-process: loadScenarioText, then checkExamples when it loads, then
 * the diagnostics formatted. Fails on any exception that would be exit 4 (anything but a
 * WirelabError of another class), on any single input taking more than 5 s (reported with its
 * seed, not a timed assertion on the total) and on the RSS passing 300 MB. Reproduce a case with
 * `mutateScenario(readFileSync(base, 'utf8'), seed)`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WirelabError } from '../../src/errors.js';
import { checkExamples } from '../../src/grade/verify.js';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { mutateScenario } from './mutate.js';

const CASES = 1000;
const SLOW_MS = 5000;
const RSS_LIMIT = 300 * 1024 * 1024;
const bases = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => resolve('scenarios', f));

/** What `wirelab validate FILE` does with the text, without a process: the exit code it would give. */
function validateText(file: string, text: string): number {
  try {
    const r = loadScenarioText(file, text);
    const bad = r.ok ? checkExamples(r.loaded) : r.diagnostics;
    for (const d of bad) formatDiagnostic(d);
    return bad.length ? 2 : 0;
  } catch (e) {
    if (e instanceof WirelabError && e.exitClass !== 'bug') return e.exitCode;
    throw e;
  }
}

describe('fuzzing validate with mutated scenarios', () => {
  it('the bases are valid scenarios', () => {
    expect(bases.length).toBeGreaterThanOrEqual(4);
    for (const f of bases) expect(validateText(f, readFileSync(f, 'utf8')), f).toBe(0);
  });

  // The smallest forms of what the fuzzer found (exit 4 on main): a capture step whose `during:`
  // is missing or not a list, or whose body is empty, crashed the name checks.
  it.each([
    ['a capture without during', 'name: t\nsteps:\n  - capture:\n      as: c\n'],
    ['a capture whose during is a number', 'name: t\nsteps:\n  - capture:\n      as: c\n      during: 0\n'],
    ['an empty capture step', 'name: t\nsteps:\n  - capture:\n'],
  ])('%s is bad input (exit 2), not a bug', (_, text) => {
    expect(validateText(resolve('fuzz.yaml'), text)).toBe(2);
  });

  it(`${CASES} mutations: no exit 4, none over ${SLOW_MS / 1000} s, RSS under 300 MB`, () => {
    const texts = new Map(bases.map((f) => [f, readFileSync(f, 'utf8')]));
    const bugs: string[] = [];
    const slow: string[] = [];
    const codes = new Map<number, number>();
    const kinds = new Map<string, number>();
    let maxRss = process.memoryUsage().rss;
    for (let seed = 1; seed <= CASES; seed++) {
      const base = bases[seed % bases.length];
      const { text, kind } = mutateScenario(texts.get(base)!, seed);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      const t0 = performance.now();
      try {
        const code = validateText(base, text);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      } catch (e) {
        bugs.push(
          `seed ${seed} (${kind} of ${join('scenarios', base.split('/').pop()!)}): ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`,
        );
      }
      const ms = performance.now() - t0;
      if (ms > SLOW_MS) slow.push(`seed ${seed} (${kind}): ${Math.round(ms)} ms`);
      if (seed % 50 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
    }
    console.log(
      `scenario fuzz: ${CASES} cases; exit codes ${JSON.stringify(Object.fromEntries(codes))}; kinds ${JSON.stringify(Object.fromEntries(kinds))}; max RSS ${Math.round(maxRss / 2 ** 20)} MB`,
    );
    expect(bugs).toEqual([]);
    expect(slow).toEqual([]);
    expect(maxRss).toBeLessThan(RSS_LIMIT);
    // the mutations do reach the validator: most are rejected, a few still load
    expect(codes.get(2) ?? 0).toBeGreaterThan(CASES / 2);
  }, 120_000);
});
