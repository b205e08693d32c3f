import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIdOf, loadBundle, readCache, writeCache } from '../../src/util/code-cache.js';

// A bundle as scripts/bundle.mjs writes one: its build id on the first line, CommonJS below.
const body = (answer: number) =>
  [
    'const path = require("node:path");',
    `function answer() { return ${answer}; }`,
    'function where() { return path.basename(__filename); }',
    'exports.answer = answer;',
    'exports.where = where;',
    'exports.fails = () => { throw new Error("from the bundle"); };',
  ].join('\n');
const bundleText = (id: string, answer = 42) => `// wirelab-build ${id}\n${body(answer)}\n`;

let dir: string;
let bundle: string;
let cache: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wirelab-code-cache-'));
  bundle = join(dir, 'b.cjs');
  cache = join(dir, 'cache', 'b.v8');
  writeFileSync(bundle, bundleText('0123abcd'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Loads without any exit hook (the test process must not write files when it ends). */
function load() {
  const b = loadBundle(bundle, cache, { write: 'never' });
  const m = b.exports as { answer(): number; where(): string; fails(): never };
  return { ...b, m };
}

/** Loads the bundle in a fresh Node process (no compilation cache of this one) with the built loader, as bin/wirelab.js does. */
function loadInChild(write: 'never' | 'unless-hit') {
  const loader = join(process.cwd(), 'dist', 'util', 'code-cache.js');
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { loadBundle } from ${JSON.stringify(loader)};` +
        `const b = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cache)}, { write: ${JSON.stringify(write)} });` +
        `console.log(b.cache, b.exports.answer());`,
    ],
    { encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

/** A cache file for the current bundle, written by a first load. */
function trained(): Buffer {
  const first = load();
  expect(first.m.answer()).toBe(42);
  expect(first.save()).toBe(true);
  return readFileSync(cache);
}

describe('code cache', () => {
  it('reads the build id from the first line only', () => {
    expect(buildIdOf('// wirelab-build 9f00\nx')).toBe('9f00');
    expect(buildIdOf('x\n// wirelab-build 9f00\n')).toBeUndefined();
    expect(buildIdOf('// wirelab-build \n')).toBeUndefined();
  });

  it('compiles from source without a cache file, then uses the one it saved', () => {
    const first = load();
    expect(first.cache).toBe('missing');
    expect(first.m.answer()).toBe(42);
    expect(first.m.where()).toBe('b.cjs');
    first.save();
    const head = JSON.parse(readFileSync(cache, 'utf8').split('\n')[0]);
    expect(head).toMatchObject({ format: 1, node: process.version, arch: process.arch, build: '0123abcd' });
    const second = load();
    expect(second.cache).toBe('hit');
    expect(second.m.answer()).toBe(42);
    // stack traces name the bundle's file and its own line numbers
    expect(() => second.m.fails()).toThrow('from the bundle');
    try {
      second.m.fails();
    } catch (e) {
      expect((e as Error).stack).toContain(`${bundle}:7:`);
    }
  });

  it('falls back to the source when the data is corrupt, and never runs it', () => {
    const good = trained();
    const bad = Buffer.from(good);
    const start = bad.indexOf(10) + 1;
    for (let i = start + 64; i < bad.length; i += 7) bad[i] ^= 0x5a;
    writeFileSync(cache, bad);
    expect(readCache(cache, '0123abcd').outcome).toBe('corrupt');
    const b = load();
    expect(b.cache).toBe('corrupt');
    expect(b.m.answer()).toBe(42);
    // V8 does not check the data itself: given to it, these bytes could crash the process
    expect(loadInChild('never')).toBe('corrupt 42');
  });

  it('falls back on a truncated file, a file without a header and an empty file', () => {
    const good = trained();
    for (const bytes of [good.subarray(0, good.length - 100), Buffer.from('not a cache at all'), Buffer.alloc(0), good.subarray(0, 20)]) {
      writeFileSync(cache, bytes);
      const b = load();
      expect(b.cache).toBe('corrupt');
      expect(b.m.answer()).toBe(42);
    }
  });

  it('does not use the cache of another build, even one of the same length', () => {
    trained();
    // same length, other code: V8 alone would take this cache (it checks the length only)
    writeFileSync(bundle, bundleText('0123abce', 43));
    const b = load();
    expect(b.cache).toBe('stale');
    expect(b.m.answer()).toBe(43);
    b.save();
    expect(load().cache).toBe('hit');
  });

  it('does not use the cache of another Node version or architecture', () => {
    const good = trained();
    const nl = good.indexOf(10);
    const head = JSON.parse(good.subarray(0, nl).toString());
    for (const other of [{ node: 'v19.0.0' }, { arch: 'riscv64' }]) {
      writeFileSync(cache, Buffer.concat([Buffer.from(JSON.stringify({ ...head, ...other })), good.subarray(nl)]));
      const b = load();
      expect(b.cache).toBe('stale');
      expect(b.m.answer()).toBe(42);
    }
  });

  it('counts a cache V8 rejects as rejected and still runs the bundle', () => {
    trained();
    expect(loadInChild('never')).toBe('hit 42');
    // a well-formed cache file of this build holding the data of some other script
    writeCache(cache, '0123abcd', new Script('1 + 1').createCachedData());
    expect(readCache(cache, '0123abcd').outcome).toBe('hit');
    expect(loadInChild('never')).toBe('rejected 42');
  });

  it('never writes a cache for a bundle without a build id', () => {
    writeFileSync(bundle, `${body(42)}\n`);
    const b = load();
    expect(b.cache).toBe('missing');
    expect(b.m.answer()).toBe(42);
    expect(b.save()).toBe(false);
    expect(existsSync(cache)).toBe(false);
  });

  it('writes the cache at the exit of a process that had none or a broken one (unless-hit), and not after a hit', () => {
    expect(loadInChild('unless-hit')).toBe('missing 42');
    expect(existsSync(cache)).toBe(true);
    const written = readFileSync(cache);
    expect(loadInChild('unless-hit')).toBe('hit 42');
    expect(readFileSync(cache).equals(written)).toBe(true);
    writeFileSync(cache, 'garbage');
    expect(loadInChild('unless-hit')).toBe('corrupt 42');
    expect(loadInChild('unless-hit')).toBe('hit 42');
  });

  it('decodes the bundle as UTF-8 inside its wrapper, once, and keeps its line numbers', () => {
    writeFileSync(bundle, `${bundleText('0123abcd')}exports.text = "→ café";\nexports.line = () => new Error("x").stack;\n`);
    const b = loadBundle(bundle, cache, { write: 'never' });
    const m = b.exports as { text: string; line(): string };
    expect(m.text).toBe('→ café');
    expect(m.line()).toContain(`${bundle}:9:`);
  });

  it('the built bundles are ASCII, so V8 holds their source one byte a character (scripts/bundle.mjs)', () => {
    const dir = fileURLToPath(new URL('../../dist/bundle/', import.meta.url));
    for (const name of ['cli.cjs', 'host-thread.cjs']) {
      if (!existsSync(join(dir, name))) continue; // not built: nothing to check
      const text = readFileSync(join(dir, name), 'latin1');
      expect(/[^\x00-\x7f]/.test(text), `${name} has a byte above 0x7f`).toBe(false);
    }
  });
});
