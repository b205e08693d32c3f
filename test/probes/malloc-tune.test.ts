// glibc malloc's retention, set from inside the process (native/malloc.c, `mallocTune`), as a run
// with host threads does when it builds its topology (src/topology/index.ts). The effect is
// measured in a child process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nativeProbe } from '../../src/probes/native.js';
import { tuneMallocForThreads } from '../../src/topology/index.js';

const addon = fileURLToPath(new URL('../../native/build/Release/wirelab_probe.node', import.meta.url));
const native = nativeProbe();
const glibc = Boolean(
  (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime,
);

// Frees an 8 MiB block (at glibc's default that raises the mmap threshold to 8 MiB), then
// allocates forty 1 MiB blocks and frees every other one: how many MB stay resident. The 20 live
// blocks are 20 MB either way; at the default the 20 freed ones sit between them in the arena.
// Single-threaded GC: V8 frees the blocks during gc() instead of on a background thread.
const child = `
const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const ok = process.argv[1] === 'tune' ? require(process.argv[2]).mallocTune({ mmapThreshold: 131072, trimThreshold: 131072 }) : null;
(() => { Buffer.allocUnsafeSlow(8 << 20).fill(1); })();
gc();
const before = rss();
const live = [];
(() => { for (let i = 0; i < 40; i++) { const b = Buffer.allocUnsafeSlow(1 << 20).fill(2); if (i % 2) live.push(b); } })();
gc(); gc();
console.log(JSON.stringify({ ok, kept: rss() - before, live: live.length }));
`;
function retained(mode: 'tune' | 'default'): { ok: boolean | null; kept: number; live: number } {
  const r = spawnSync(process.execPath, ['--expose-gc', '--single-threaded-gc', '-e', child, mode, addon], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { ok: boolean | null; kept: number; live: number };
}

describe.skipIf(!native?.mallocTune || !glibc)('mallocTune', () => {
  it('returns freed large blocks to the kernel where glibc would keep them in its arena', () => {
    const tuned = retained('tune');
    expect(tuned.ok).toBe(true);
    expect(tuned.live).toBe(20);
    expect(tuned.kept).toBeLessThan(20 + 4); // the live blocks, and little else
    // glibc's default: the freed blocks between the live ones stay resident
    expect(retained('default').kept).toBeGreaterThan(tuned.kept + 8);
  });

  it('sets only the values it is given and refuses what mallopt cannot take', () => {
    expect(native!.mallocTune!({})).toBe(true);
    expect(native!.mallocTune!({ trimThreshold: 128 << 10 })).toBe(true);
    expect(() => native!.mallocTune!({ mmapThreshold: -1 })).toThrow(RangeError);
    expect(() => native!.mallocTune!({ mmapThreshold: 2 ** 31 })).toThrow(RangeError);
    expect(() => (native!.mallocTune as unknown as () => boolean)()).toThrow(TypeError);
  });

  it('is what a topology of host threads asks for, unless WIRELAB_MALLOC_TUNE=off', () => {
    expect(tuneMallocForThreads({})).toBe(true);
    expect(tuneMallocForThreads({ WIRELAB_MALLOC_TUNE: 'off' })).toBe(false);
  });
});
