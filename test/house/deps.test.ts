import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Which folder of src/ may import which (as Playwright's DEPS.list): layers point one way.
 * A file may always import its own folder. `.` is src/'s own files (errors.ts, version.ts).
 *
 *   base        util, generated, `.`          ← everything
 *   contract    hosts (HostContext, HostOp, Host, the agent loop)
 *   domains     sandbox, exec, packets, net, probes, dns, servers (the lab's servers: echo, http, command), topology
 *   registry    ops: every host operation by name, and the agent's entry
 *   steps       one module per step kind, on top of the registry
 *   pipeline    scenario (read, validate, compile: checks the step-kind map) → interpreter (runs the plan)
 *   outputs     reporters (terminal display), report, grade
 *   live        live labs: supervisor, lab state, shell/exec sessions (on the pipeline)
 *   commands    everything below; cli → commands only
 */
const BASE = ['util', 'generated', '.'];
const DOMAINS = ['sandbox', 'exec', 'packets', 'net', 'probes', 'dns', 'servers', 'topology'];

const ALLOWED: Record<string, string[]> = {
  util: [],
  generated: [],
  '.': ['util'],
  hosts: [...BASE],
  sandbox: [...BASE],
  exec: [...BASE, 'hosts', 'sandbox'],
  packets: [...BASE, 'hosts'],
  net: [...BASE, 'hosts', 'packets'],
  probes: [...BASE, 'hosts', 'packets', 'net'],
  dns: [...BASE, 'hosts', 'probes'],
  servers: [...BASE, 'hosts', 'exec', 'net'],
  topology: [...BASE, 'hosts', 'probes'],
  ops: [...BASE, 'hosts', ...DOMAINS],
  steps: [...BASE, 'hosts', 'ops', ...DOMAINS],
  scenario: [...BASE, 'steps', 'topology'],
  interpreter: [...BASE, 'scenario', 'steps', 'ops', 'hosts', ...DOMAINS],
  reporters: [...BASE, 'interpreter', 'scenario'],
  report: [...BASE, 'interpreter', 'scenario', 'packets', 'probes', 'dns'],
  grade: [...BASE, 'report', 'interpreter', 'scenario', 'sandbox', 'topology', 'exec'],
  // live labs (up/shell/exec/down): a supervisor that runs the plan's servers through the interpreter and owns the topology
  live: [...BASE, 'interpreter', 'scenario', 'topology', 'hosts'],
  commands: [...BASE, 'live', 'grade', 'report', 'reporters', 'interpreter', 'scenario', 'steps', 'ops', 'hosts', ...DOMAINS],
  cli: [...BASE, 'commands'],
};

/**
 * Imports that go against the table and are being removed, as `file -> imported file` (both
 * relative to src/), each with a comment "to be removed". The test fails when one no longer
 * occurs, so this list only shrinks. Empty since the compiled plan (steps/context.ts, no
 * scenario ↔ steps ↔ interpreter cycle) and hosts/host-set.ts (no interpreter ↔ topology) landed.
 */
const KNOWN_VIOLATIONS: string[] = [];

const SRC = resolve(dirname(new URL(import.meta.url).pathname), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The folder of src/ a path belongs to (`.` for src/'s own files). */
function folderOf(relPath: string): string {
  const i = relPath.indexOf('/');
  return i < 0 ? '.' : relPath.slice(0, i);
}

interface Import {
  file: string;
  line: number;
  col: number;
  target: string;
}

/** Every relative import of a file (static, type-only, re-exports and dynamic `import()`), as src/-relative .ts paths. */
function importsOf(file: string, text: string): Import[] {
  const info = ts.preProcessFile(text, true, true);
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const out: Import[] = [];
  for (const ref of info.importedFiles) {
    if (!ref.fileName.startsWith('.')) continue;
    const abs = resolve(dirname(join(SRC, file)), ref.fileName).replace(/\.js$/, '.ts');
    const lc = ts.getLineAndCharacterOfPosition(sf, ref.pos);
    out.push({ file, line: lc.line + 1, col: lc.character + 1, target: relative(SRC, abs) });
  }
  return out;
}

/** Imports the table does not allow, as `file:line:col: message` and as `file -> target` keys. */
function violations(imports: Import[], allowed = ALLOWED): { key: string; message: string }[] {
  const out: { key: string; message: string }[] = [];
  for (const imp of imports) {
    const from = folderOf(imp.file);
    const to = folderOf(imp.target);
    if (from === to) continue;
    const rule = allowed[from];
    if (rule?.includes(to)) continue;
    const why = rule
      ? `${from}/ may import only ${rule.length ? rule.map((r) => (r === '.' ? 'src/*.ts' : `${r}/`)).join(', ') : 'nothing outside itself'}`
      : `${from}/ has no rule in ALLOWED (test/house/deps.test.ts): add one`;
    out.push({
      key: `${imp.file} -> ${imp.target}`,
      message: `src/${imp.file}:${imp.line}:${imp.col}: imports ${imp.target}, but ${why}`,
    });
  }
  return out;
}

describe('import layering (src/)', () => {
  const files = sourceFiles(SRC).map((f) => relative(SRC, f));
  const all = files.flatMap((f) => importsOf(f, readFileSync(join(SRC, f), 'utf8')));
  const found = violations(all);

  it('finds the imports of the tree (the parser works)', () => {
    // hosts' context is imported by the domains; a parser that saw nothing would pass everything
    expect(all.some((i) => i.file === 'net/conn.ts' && i.target === 'hosts/context.ts')).toBe(true);
    expect(files.every((f) => folderOf(f) in ALLOWED)).toBe(true);
  });

  it('no import goes against the table (except the known ones being removed)', () => {
    const unexpected = found.filter((v) => !KNOWN_VIOLATIONS.includes(v.key)).map((v) => v.message);
    expect(unexpected, `imports against the layering:\n${unexpected.join('\n')}\n`).toEqual([]);
  });

  it('every known violation still occurs (remove the entries that are fixed)', () => {
    const keys = new Set(found.map((v) => v.key));
    const fixed = KNOWN_VIOLATIONS.filter((k) => !keys.has(k));
    expect(fixed, `fixed: remove from KNOWN_VIOLATIONS in test/house/deps.test.ts:\n${fixed.join('\n')}\n`).toEqual([]);
  });

  it('reports file, line, column and the rule', () => {
    const text = "import type { X } from '../x.js';\nimport { hostOps } from '../ops/index.js';\n";
    const v = violations(importsOf('hosts/host.ts', text));
    expect(v.map((x) => x.message)).toEqual([
      'src/hosts/host.ts:2:25: imports ops/index.ts, but hosts/ may import only util/, generated/, src/*.ts',
    ]);
    expect(v[0].key).toBe('hosts/host.ts -> ops/index.ts');
  });

  it('sees type-only, re-export and dynamic imports', () => {
    const text = [
      "import type { A } from '../cli/a.js';",
      "export { b } from '../cli/b.js';",
      "const c = () => import('../cli/c.js');",
    ].join('\n');
    expect(violations(importsOf('commands/x.ts', text)).map((v) => v.key)).toEqual([
      'commands/x.ts -> cli/a.ts',
      'commands/x.ts -> cli/b.ts',
      'commands/x.ts -> cli/c.ts',
    ]);
  });
});
