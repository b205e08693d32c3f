import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built CLI as `npm run build` leaves it (bin/wirelab.js → dist/bundle/validate.cjs for
// validate, dist/bundle/cli.cjs for the others, through the code caches in dist/bundle/cache/), copied into a folder of its own so that breaking its caches
// cannot disturb other tests running the real one.
const ROOT = process.cwd();
let pkg: string;
beforeAll(() => {
  pkg = mkdtempSync(join(tmpdir(), 'wirelab-cli-cache-'));
  for (const f of ['package.json', 'bin', 'dist']) cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
  for (const f of ['schemas', 'scenarios', 'templates', 'node_modules']) symlinkSync(join(ROOT, f), join(pkg, f));
});
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

const cacheFile = () => join(pkg, 'dist', 'bundle', 'cache', 'validate.v8');
const validate = (env: Record<string, string> = {}) =>
  execa(process.execPath, [join(pkg, 'bin', 'wirelab.js'), 'validate', 'scenarios/lab1.yaml', 'scenarios/echo.yaml'], {
    cwd: ROOT,
    env: { NO_COLOR: '1', ...env },
    reject: false,
    stdin: 'ignore',
  });

describe('the CLI and its code cache', () => {
  it('the build trains a cache for validate, run and the other commands', () => {
    for (const name of ['validate', 'cli-run', 'cli-cli'])
      expect(existsSync(join(pkg, 'dist', 'bundle', 'cache', `${name}.v8`)), name).toBe(true);
  });

  it('answers the same with the cache, without it, and with a corrupt or stale one, then repairs it', async () => {
    const expected = 'scenarios/lab1.yaml: ok\nscenarios/echo.yaml: ok';
    const off = await validate({ WIRELAB_CODE_CACHE: 'off' });
    expect([off.exitCode, off.stdout, off.stderr]).toEqual([0, expected, '']);
    const good = readFileSync(cacheFile());
    const hit = await validate();
    expect([hit.exitCode, hit.stdout, hit.stderr]).toEqual([0, expected, '']);
    // a cache that was used is left as it was
    expect(readFileSync(cacheFile()).equals(good)).toBe(true);

    const nl = good.indexOf(10);
    const corrupt = Buffer.from(good);
    for (let i = nl + 1000; i < corrupt.length; i += 13) corrupt[i] ^= 0xff;
    const head = JSON.parse(good.subarray(0, nl).toString());
    const stale = Buffer.concat([Buffer.from(JSON.stringify({ ...head, build: '0'.repeat(32) })), good.subarray(nl)]);
    for (const [what, bytes] of [
      ['corrupt', corrupt],
      ['stale', stale],
      ['truncated', good.subarray(0, nl + 100)],
      ['empty', Buffer.alloc(0)],
    ] as const) {
      writeFileSync(cacheFile(), bytes);
      const r = await validate();
      expect([r.exitCode, r.stdout, r.stderr], what).toEqual([0, expected, '']);
      // the run that could not use the cache wrote a good one at its exit
      const again = readFileSync(cacheFile());
      expect(again.equals(bytes), what).toBe(false);
      expect(JSON.parse(again.subarray(0, again.indexOf(10)).toString()).build, what).toBe(head.build);
    }
  });

  it('validate loads its own bundle, which holds none of the run record, the interpreter or the hosts', () => {
    const own = readFileSync(join(pkg, 'dist', 'bundle', 'validate.cjs'), 'utf8');
    const all = readFileSync(join(pkg, 'dist', 'bundle', 'cli.cjs'), 'utf8');
    for (const text of [own, all]) expect(text).toContain('// dist/commands/validate.js');
    for (const module of ['dist/interpreter/', 'dist/hosts/', 'dist/commands/run.js'])
      expect([own.includes(`// ${module}`), all.includes(`// ${module}`)], module).toEqual([false, true]);
    // the run record's validator (schemas/run.schema.json) is left out of validate's
    expect([own.includes('"$id": "run.schema.json"'), all.includes('"$id": "run.schema.json"')]).toEqual([false, true]);
    // both are plain ASCII (one other character makes V8 hold the whole text as two-byte)
    for (const text of [own, all]) expect(/[^\0-\x7f]/.exec(text)).toBeNull();
  });

  it('a missing cache folder is created again; a missing bundle falls back to cli.cjs, then to dist/cli/main.js', async () => {
    rmSync(join(pkg, 'dist', 'bundle', 'cache'), { recursive: true, force: true });
    expect((await validate()).exitCode).toBe(0);
    expect(existsSync(cacheFile())).toBe(true);
    for (const bundle of ['validate.cjs', 'cli.cjs']) {
      rmSync(join(pkg, 'dist', 'bundle', bundle));
      const r = await validate();
      expect([r.exitCode, r.stderr], bundle).toEqual([0, '']);
      expect(r.stdout, bundle).toBe('scenarios/lab1.yaml: ok\nscenarios/echo.yaml: ok');
    }
  });
});
