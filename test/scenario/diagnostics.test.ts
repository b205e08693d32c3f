import { describe, expect, it } from 'vitest';
import { stepKindNames } from '../../src/steps/index.js';

const KINDS = [...stepKindNames].join(', ');
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { diagnostics } from '../helpers/scenario.js';

const lines = (text: string) => diagnostics(text, 'lab.yaml').map(formatDiagnostic);

describe('scenario diagnostics', () => {
  it('two mistakes give exactly two diagnostics at the right line and column', () => {
    const text = [
      'name: demo',
      'steps:',
      '  - serve: { as: echo, echo: {} }',
      '  - connect: { to: echo, as: s }',
      '  - sned: { conn: s, line: hi }',
      '  - expect: { conn: s, lne: hi }',
      '',
    ].join('\n');
    expect(lines(text)).toEqual([
      `lab.yaml:5:5: unknown-step unknown step kind "sned" (did you mean "send"?); expected one of: ${KINDS}`,
      'lab.yaml:6:24: unknown-key unknown key "lne" in "expect" (did you mean "line"?); expected one of: conn, line, text, regex, ignoreCase, bytes, repeat, eof, within',
    ]);
  });

  it('reports YAML syntax errors with their position and nothing else', () => {
    const d = diagnostics('name: x\nsteps:\n  - send: { conn: s\n', 'bad.yaml');
    // one problem, where the unclosed flow map ends (the end of the text), and nothing else
    expect(d).toEqual([
      { file: 'bad.yaml', line: 4, col: 1, code: 'yaml-syntax', message: expect.stringMatching(/Flow map .* end with a \}/) },
    ]);
  });

  it('says which keys a step takes when it has none of its exactly-one-of keys', () => {
    const d = diagnostics('name: x\nsteps:\n  - serve: { as: e, echo: {} }\n  - connect: { to: e, as: s }\n  - send: { conn: s }\n');
    expect(d.map((x) => [x.line, x.col, x.code])).toEqual([[5, 5, 'missing-key']]);
    expect(d[0].message).toContain('"text", "line", "hex"');
  });

  it('rejects two of exactly-one-of keys', () => {
    const d = diagnostics(
      'name: x\nsteps:\n  - serve: { as: e, echo: {} }\n  - connect: { to: e, as: s }\n  - send: { conn: s, line: a, hex: "00" }\n',
    );
    expect(d).toHaveLength(1);
    expect(d[0].code).toBe('conflicting-keys');
  });

  it('tells unknown names from names used before their definition', () => {
    const text = [
      'name: x',
      'steps:',
      '  - send: { conn: s, line: early }',
      '  - serve: { as: echo, echo: {} }',
      '  - connect: { to: ehco, as: t }',
      '  - connect: { to: echo, as: s }',
      '  - close: q',
    ].join('\n');
    expect(diagnostics(text).map((d) => [d.line, d.col, d.code])).toEqual([
      [3, 19, 'use-before-definition'],
      [5, 20, 'unknown-fixture'],
      [7, 12, 'unknown-conn'],
    ]);
    expect(diagnostics(text)[1].message).toContain('did you mean "echo"');
  });

  it('reports duplicate ids and duplicate connection names', () => {
    const text = [
      'name: x',
      'steps:',
      '  - serve: { as: echo, echo: {} }',
      '    id: a',
      '  - connect: { to: echo, as: s }',
      '    id: a',
      '  - connect: { to: echo, as: s }',
    ].join('\n');
    expect(diagnostics(text).map((d) => [d.line, d.code])).toEqual([
      [6, 'duplicate-id'],
      [7, 'duplicate-conn'],
    ]);
  });

  it('checks value types, enums, durations and unknown hosts in one pass', () => {
    const text = [
      'name: x',
      'timeout: soon',
      'steps:',
      '  - serve: { as: echo, echo: { mode: lines }, on: server }',
      '  - exec: { run: true }',
      '    points: -1',
    ].join('\n');
    const d = diagnostics(text);
    expect(d.map((x) => [x.line, x.code])).toEqual([
      [2, 'bad-value'],
      [4, 'bad-value'],
      [5, 'bad-value'],
      [6, 'bad-value'],
    ]);
    expect(d[1].message).toContain('"line", "bytes"');
  });

  it('reports unknown hosts once the schema is satisfied', () => {
    const d = diagnostics('name: x\nsteps:\n  - exec: { run: "true", on: server }\n');
    expect(d.map((x) => [x.line, x.col, x.code])).toEqual([[3, 30, 'unknown-host']]);
  });

  it('rejects unknown top-level keys with a suggestion', () => {
    const d = diagnostics('name: x\ntitel: hello\nsteps: []\n');
    expect(d).toHaveLength(1);
    expect(formatDiagnostic(d[0])).toBe(
      'test.yaml:2:1: unknown-key unknown key "titel" in the scenario (did you mean "title"?); expected one of: name, title, description, timeout, vars, live, submission, report, grading, topology, steps',
    );
  });
});
