import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/util/write-atomic.js';
import { fmtMs } from '../../src/util/format-ms.js';
import { signalGroup } from '../../src/exec/process.js';

const dir = mkdtempSync(join(tmpdir(), 'wl-util-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const f = join(dir, 'a.json');
    await writeFileAtomic(f, 'one');
    await Promise.all(['two', 'three', 'four'].map((t) => writeFileAtomic(f, t)));
    expect(['two', 'three', 'four']).toContain(readFileSync(f, 'utf8'));
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('removes its temporary file when the rename fails', async () => {
    // a folder in the way: the rename over it fails (EISDIR), the write before it succeeds
    const target = join(dir, 'sub');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(target, 'x'), { recursive: true }));
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('fmtMs', () => {
  it('shows milliseconds below a second and seconds from one up', () => {
    expect([fmtMs(0.4), fmtMs(350.6), fmtMs(999), fmtMs(1000), fmtMs(1234.5)]).toEqual(['0 ms', '351 ms', '999 ms', '1.00 s', '1.23 s']);
  });
});

describe('signalGroup', () => {
  it('never signals our own group for a missing pid (0)', () => {
    // kill(-0, SIGTERM) would end this test process
    expect(() => signalGroup(0, 'SIGTERM')).not.toThrow();
    expect(() => signalGroup(-1, 'SIGTERM')).not.toThrow();
  });
});

describe('nativeAddon', () => {
  it('loads a built addon, and says why when it is off or missing', async () => {
    const { nativeAddon } = await import('../../src/util/native-addon.js');
    const probe = nativeAddon<{ traceOpen: unknown }>('wirelab_probe');
    expect(typeof probe.get()?.traceOpen).toBe('function');
    expect(probe.error()).toBeUndefined();
    const off = nativeAddon('wirelab_probe', { off: () => 'SWITCH=1' });
    expect([off.get(), off.error()]).toEqual([undefined, 'SWITCH=1']);
    const missing = nativeAddon('wirelab_nothing');
    expect(missing.get()).toBeUndefined();
    expect(missing.error()).toMatch(/wirelab_nothing\.node/);
  });
});
