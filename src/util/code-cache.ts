import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Loads a CommonJS bundle (dist/bundle/*.cjs, written by scripts/bundle.mjs) through V8's code
 * cache: the bytecode of the functions a warm run compiled is read back from a cache file
 * instead of being parsed and compiled again (Node 20 has no module.enableCompileCache).
 *
 * A cache file is one JSON header line, then V8's cached data:
 *   {"format":1,"node":"v20.20.2","arch":"x64","build":"<the bundle's build id>","sha1":"<of the data>"}
 * The bundle's first line names its build id (`// wirelab-build <id>`, a hash of its content).
 * A cache is used only when its header matches this Node, this architecture and this build and
 * the data's checksum is right (V8 does not check the data of a code cache: corrupted data can
 * crash the process); V8 itself may still reject it (`cachedDataRejected`). In every other case
 * the bundle is compiled from source as usual, so a stale or broken cache costs time, never a
 * wrong result.
 */

const FORMAT = 1;
const WRAPPER = '(function (exports, require, module, __filename, __dirname) {';

/** What became of the cache file: used, or why not. */
export type CacheOutcome = 'hit' | 'missing' | 'stale' | 'corrupt' | 'rejected';

export interface LoadedBundle {
  exports: Record<string, unknown>;
  cache: CacheOutcome;
  /** Writes the cache file now, with every function compiled so far (false: the bundle names no build id). */
  save(): boolean;
}

export interface LoadOptions {
  /**
   * When to write a fresh cache file at the process's (or the thread's) exit: 'always' (training
   * at build time), 'unless-hit' (the default: when the cache was missing, stale, corrupt or
   * rejected, so a new Node or a new build is fast again from the next start) or 'never'.
   * Writing is best effort: a read-only install just keeps compiling from source.
   */
  write?: 'always' | 'unless-hit' | 'never';
}

/** The build id a bundle's first line names, if it names one. */
export function buildIdOf(source: string): string | undefined {
  return /^\/\/ wirelab-build ([0-9a-f]+)\n/.exec(source.slice(0, 120))?.[1];
}

function header(build: string, data: Buffer): string {
  const sha1 = createHash('sha1').update(data).digest('hex');
  return JSON.stringify({ format: FORMAT, node: process.version, arch: process.arch, build, sha1 });
}

/** The cached data in `file` when it is for this Node and build and intact; else why not. */
export function readCache(file: string, build: string | undefined): { data?: Buffer; outcome: CacheOutcome } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { outcome: 'missing' };
  }
  const nl = bytes.indexOf(10);
  if (nl < 0 || nl > 1024) return { outcome: 'corrupt' };
  let head: unknown;
  try {
    head = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
  } catch {
    return { outcome: 'corrupt' };
  }
  const h = head as Record<string, unknown>;
  if (h === null || typeof h !== 'object' || h.format !== FORMAT || typeof h.sha1 !== 'string') return { outcome: 'corrupt' };
  if (build === undefined || h.build !== build || h.node !== process.version || h.arch !== process.arch) return { outcome: 'stale' };
  const data = bytes.subarray(nl + 1);
  if (createHash('sha1').update(data).digest('hex') !== h.sha1) return { outcome: 'corrupt' };
  return { data, outcome: 'hit' };
}

/** Writes `data` as the cache of build `build` to `file`, atomically (other processes may be reading it). */
export function writeCache(file: string, build: string, data: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(`${header(build, data)}\n`), data]));
  renameSync(tmp, file);
}

/**
 * The bundle's text inside the CommonJS wrapper, as one string: read into a buffer that already
 * holds the wrapper, then decoded once. V8 keeps a script's source for as long as its functions
 * live (it compiles them lazily from it); `${WRAPPER}${source}` would leave the unwrapped text
 * beside it as well, a second copy of the whole bundle that only a full GC frees. The wrapper
 * shares the bundle's first line, so line numbers in stack traces are the file's.
 */
function readWrapped(bundle: string): string {
  const fd = openSync(bundle, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.from(WRAPPER, 'latin1');
    const buf = Buffer.allocUnsafe(head.length + size + 3);
    head.copy(buf, 0);
    const end = head.length + size;
    let at = head.length;
    while (at < end) {
      const n = readSync(fd, buf, at, end - at, null);
      if (n === 0) break; // shorter than it was a moment ago: what is there
      at += n;
    }
    at += buf.write('\n})', at, 'latin1');
    return buf.toString('utf8', 0, at);
  } finally {
    closeSync(fd);
  }
}

/** Runs the CommonJS bundle `bundle` (as Node's loader would) with the code cache in `cacheFile`. */
export function loadBundle(bundle: string, cacheFile: string, opts: LoadOptions = {}): LoadedBundle {
  const wrapped = readWrapped(bundle);
  const build = buildIdOf(wrapped.slice(WRAPPER.length));
  const cached = readCache(cacheFile, build);
  const script = new Script(wrapped, { filename: bundle, cachedData: cached.data });
  const outcome: CacheOutcome = cached.data && script.cachedDataRejected ? 'rejected' : cached.outcome;
  const save = (): boolean => {
    if (!build) return false;
    writeCache(cacheFile, build, script.createCachedData());
    return true;
  };
  const write = opts.write ?? 'unless-hit';
  if (write === 'always' || (write === 'unless-hit' && outcome !== 'hit')) {
    process.once('exit', () => {
      try {
        save();
      } catch {
        // best effort: the next start compiles from source again
      }
    });
  }
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as Record<string, unknown> };
  fn.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return { exports: module.exports, cache: outcome, save };
}
