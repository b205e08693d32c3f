import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stepKindNames, stepKinds } from '../../src/steps/index.js';
import { schemas } from '../../src/scenario/schemas.js';
import { loadScenario, loadScenarioText } from '../../src/scenario/load.js';
// @ts-expect-error plain ESM script without types
import { generate, targets } from '../../scripts/gen-types.mjs';
// @ts-expect-error plain ESM script without types
import { generate as generateValidators, generateLabState, OUT, OUT_LAB, OUT_LAB_TYPES, OUT_TYPES } from '../../scripts/gen-validators.mjs';

describe('schemas', () => {
  it('generated TypeScript types match the JSON Schemas (no drift)', async () => {
    for (const t of targets as { schema: string; out: string }[]) {
      const fresh = await generate(t.schema);
      const committed = await readFile(t.out, 'utf8');
      expect(committed, `${t.out} is stale: run npm run gen:types`).toBe(fresh);
    }
  });

  it('the validators compiled at build time match the JSON Schemas (no drift)', async () => {
    const { code, types } = generateValidators() as { code: string; types: string };
    expect(await readFile(OUT, 'utf8'), `${OUT} is stale: run npm run gen:types`).toBe(code);
    expect(await readFile(OUT_TYPES, 'utf8'), `${OUT_TYPES} is stale: run npm run gen:types`).toBe(types);
    const lab = generateLabState() as { code: string; types: string };
    expect(await readFile(OUT_LAB, 'utf8'), `${OUT_LAB} is stale: run npm run gen:types`).toBe(lab.code);
    expect(await readFile(OUT_LAB_TYPES, 'utf8'), `${OUT_LAB_TYPES} is stale: run npm run gen:types`).toBe(lab.types);
  });

  it('every step kind has a schema, a runner and a line in the scenario schema', async () => {
    const scenario = JSON.parse(await readFile('schemas/scenario.schema.json', 'utf8'));
    const refs = scenario.$defs.step.oneOf.map((r: { $ref: string }) => r.$ref.replace(/^steps\/(.*)\.schema\.json$/, '$1'));
    const files = readdirSync('schemas/steps').map((f) => f.replace(/\.schema\.json$/, ''));
    expect([...stepKindNames].sort()).toEqual(files.sort());
    expect([...stepKindNames].sort()).toEqual([...schemas().stepKinds].sort());
    expect(refs.sort()).toEqual([...stepKindNames].sort());
    // the typed map (a missing kind does not compile) holds each kind under its own name
    expect(Object.keys(stepKinds).sort()).toEqual([...stepKindNames].sort());
    for (const name of stepKindNames) expect(stepKinds[name].kind).toBe(name);
  });

  it("each step schema documents its kind's real default timeout", async () => {
    for (const name of stepKindNames) {
      const kind = stepKinds[name];
      const schema = JSON.parse(await readFile(join('schemas', 'steps', `${name}.schema.json`), 'utf8'));
      const text: string = schema.properties.timeout.description;
      const documented = /\(default (\d+)s\)/.exec(text);
      if (kind.defaultTimeoutMs === undefined) expect(documented, name).toBeNull();
      else expect(Number(documented?.[1]) * 1000, name).toBe(kind.defaultTimeoutMs);
    }
  });

  it('every object in every schema rejects unknown keys', async () => {
    const files = [
      ...readdirSync('schemas').filter((f) => f.endsWith('.schema.json')),
      ...readdirSync('schemas/steps').map((f) => `steps/${f}`),
    ];
    const open: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.type === 'object' && o.properties && o.additionalProperties === undefined) open.push(at);
      for (const [k, v] of Object.entries(o)) visit(v, `${at}/${k}`);
    };
    for (const f of files) visit(JSON.parse(await readFile(join('schemas', f), 'utf8')), f);
    expect(open).toEqual([]);
  });

  it('the scenario shown in the README validates', async () => {
    const readme = await readFile('README.md', 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const r = loadScenarioText('README.md', block);
    expect(r.ok ? [] : r.diagnostics).toEqual([]);
  });

  it('every shipped scenario in scenarios/ validates', async () => {
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['echo.yaml', 'echo-capture.yaml', 'lab1.yaml', 'lab1-grading.yaml']));
    for (const f of files) {
      const r = await loadScenario(join('scenarios', f));
      expect(r.ok ? [] : r.diagnostics, f).toEqual([]);
    }
  });
});
