import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, MAX_PROBLEMS } from '../../src/scenario/load.js';
import { MAX_SCENARIO_BYTES } from '../../src/scenario/source.js';
import { diagnostics } from '../helpers/scenario.js';
import { wirelab } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-bounded-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (text: string) => diagnostics(text, 'lab.yaml').map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);

describe('scenario input is bounded work with a position, never a crash', () => {
  it('an alias bomb is a diagnostic at its first alias', () => {
    const text = [
      'name: bomb',
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'steps: [*d]',
    ].join('\n');
    const d = at(text);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatch(/^3:8 yaml-alias aliases expand too much/);
  });

  it('an undefined alias is a diagnostic at the alias', () => {
    expect(at('name: x\nsteps:\n  - exec: { run: *nope }\n')).toEqual([
      '3:18 yaml-alias alias *nope names no anchor &nope defined before it',
    ]);
  });

  it('a few aliases still work', () => {
    expect(at('name: x\nx-cmd: &c "true"\nsteps:\n  - exec: { run: *c }\n').filter((l) => l.includes('alias'))).toEqual([]);
  });

  it(`stops after ${MAX_PROBLEMS} problems with a line saying so`, () => {
    const text = ['name: many', 'steps:', ...Array.from({ length: 3 * MAX_PROBLEMS }, (_, i) => `  - sned: { x: ${i} }`)].join('\n');
    const d = diagnostics(text);
    expect(d).toHaveLength(MAX_PROBLEMS + 1);
    expect(d.at(-1)!.code).toBe('too-many-problems');
  });

  it('brackets nested thousands deep are refused before the parser recurses', () => {
    const d = at(`name: x\nsteps: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(d).toEqual(['2:72 yaml-syntax brackets nested more than 64 deep; a scenario needs far fewer']);
  });

  it('a file over the size limit is refused without being parsed', async () => {
    const f = join(dir, 'big.yaml');
    await writeFile(f, `name: big\nsteps: []\n# ${'x'.repeat(MAX_SCENARIO_BYTES)}\n`);
    const r = await loadScenario(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((x) => [x.line, x.col, x.code])).toEqual([[1, 1, 'too-large']]);
  });

  it('UTF-16 and NUL bytes get an encoding message, not "found string"', async () => {
    const f16 = join(dir, 'u16.yaml');
    await writeFile(f16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name: x\nsteps: []\n', 'utf16le')]));
    const fnul = join(dir, 'nul.yaml');
    await writeFile(fnul, 'name: x\nsteps: [\0]\n');
    const r16 = await loadScenario(f16);
    const rnul = await loadScenario(fnul);
    expect(!r16.ok && r16.diagnostics.map((x) => `${x.line}:${x.col} ${x.code} ${x.message}`)).toEqual([
      '1:1 encoding the file is UTF-16 (little-endian) text (it starts with a byte-order mark); save it as UTF-8',
    ]);
    expect(!rnul.ok && rnul.diagnostics.map((x) => `${x.line}:${x.col} ${x.code}`)).toEqual(['2:9 encoding']);
  });
});

describe('wirelab validate a b c', () => {
  it('reports every file, also after one that cannot be read, exit 2 without a stack', async () => {
    const ok = join(dir, 'ok.yaml');
    await writeFile(ok, 'name: ok\nsteps:\n  - exec: { run: "true" }\n');
    const bomb = join(dir, 'undef.yaml');
    await writeFile(bomb, 'name: x\nsteps:\n  - exec: { run: *nope }\n');
    const r = await wirelab(['validate', join(dir, 'missing.yaml'), dir, bomb, ok]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe(`${ok}: ok`);
    expect(r.stderr).toContain(`${join(dir, 'missing.yaml')}:1:1: unreadable cannot read the file: no such file`);
    expect(r.stderr).toContain(`${dir}:1:1: unreadable cannot read the file: it is a folder`);
    expect(r.stderr).toContain(`${bomb}:3:18: yaml-alias`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
