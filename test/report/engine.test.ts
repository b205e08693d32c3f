import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { ReportEnv } from '../../src/report/engine.js';
import { lintTemplate } from '../../src/report/lint.js';
import { renderReport } from '../../src/report/render.js';
import { syntheticRecord } from './records.js';

describe('template lint', () => {
  it('rejects a bare {{x}} and an unknown helper, accepts helpers, blocks and partials', () => {
    const helpers = ['tex', 'texverb'];
    expect(lintTemplate('{{#each rows}}{{tex a}} {{> row}}{{/each}}{{#if x}}\\textbf{ {{~tex y~}} }{{/if}}', 't.tex.hbs', helpers)).toEqual(
      [],
    );
    const p = lintTemplate('a\n  {{title}} {{{raw}}} {{md x}} {{tex}}', 't.tex.hbs', helpers);
    expect(p).toHaveLength(4);
    expect(p[0]).toMatch(/^t\.tex\.hbs:2:3: \{\{title\}\} is not escaped/);
    expect(p[1]).toMatch(/triple-stash/);
    expect(p[2]).toMatch(/\{\{md\}\} is not escaped/);
    expect(p[3]).toMatch(/\{\{tex\}\} needs a value/);
  });
  it('reports a syntax error with the template name', () => {
    expect(lintTemplate('\\textbf{{{tex x}} }', 'bad.tex.hbs', ['tex'])[0]).toMatch(/^bad\.tex\.hbs: Parse error/);
  });
  it('rejects a triple-stash, which is how LaTeX braces around a helper get eaten', () => {
    expect(lintTemplate('\\textbf{{{tex x}}}', 'bad.tex.hbs', ['tex'])[0]).toMatch(/^bad\.tex\.hbs:1:8: .*triple-stash/);
  });
});

describe('strict rendering', () => {
  const env = new ReportEnv('tex');
  it('a missing field is an error naming template, line and field (also as a helper argument)', () => {
    const t = env.compile('line one\n\\section{ {{~tex run.nmae~}} }', 'mine.tex.hbs');
    expect(() => t({ run: { name: 'x' } })).toThrowError(UsageError);
    expect(() => t({ run: { name: 'x' } })).toThrow('mine.tex.hbs:2: missing field "run.nmae"');
  });
  it('a missing field in a block helper parameter or inside #each is an error too', () => {
    expect(() => env.compile('{{#if nope}}x{{/if}}', 'a.tex.hbs')({})).toThrow('a.tex.hbs:1: missing field "nope"');
    expect(() => env.compile('\n\n{{#each rows}}{{tex cell}}{{/each}}', 'b.tex.hbs')({ rows: [{ cel: 1 }] })).toThrow(
      'b.tex.hbs:3: missing field "cell"',
    );
  });
  it('null is a present value and renders as nothing', () => {
    expect(env.compile('[{{tex a}}]{{#if a}}yes{{/if}}', 'c.tex.hbs')({ a: null })).toBe('[]');
  });
  it('escapes through the helper and never HTML-escapes', () => {
    expect(env.compile('{{tex a}}', 'd.tex.hbs')({ a: '<&>"' })).toBe('\\textless{}\\&\\textgreater{}\\textquotedbl{}');
  });
  it('the md environment has only the Markdown helpers', () => {
    const md = new ReportEnv('md');
    expect(() => md.compile('{{tex a}}', 'e.md.hbs')).toThrow(/is not escaped/);
    expect(md.compile('{{mdcell a}}', 'e.md.hbs')({ a: 'x|y' })).toBe('x\\|y');
  });
});

describe('template lookup', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-'));
    await writeFile(join(dir, 'run.json'), JSON.stringify(syntheticRecord()));
    await writeFile(join(dir, 'mine.md.hbs'), '# {{md title}}\n{{#each sections}}- {{md title}}\n{{/each}}');
    await writeFile(join(dir, 'broken.md.hbs'), 'x\n{{md scenario.nope}}');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('uses a template file path', async () => {
    const md = await renderReport({ runDir: dir, template: join(dir, 'mine.md.hbs'), format: 'md' });
    expect(md.split('\n')[0]).toBe('# Lab 2: echo, scan, traceroute and DNS');
    expect(md).toContain('- scan the server');
    expect(md).not.toContain('hidden: server answers');
  });
  it('names the file template in a missing-field error', async () => {
    await expect(renderReport({ runDir: dir, template: join(dir, 'broken.md.hbs'), format: 'md' })).rejects.toThrow(
      /broken\.md\.hbs:2: missing field "scenario\.nope"/,
    );
  });
  it('an unknown template or a folder without run.json is a usage error', async () => {
    await expect(renderReport({ runDir: dir, template: 'no-such-template', format: 'md' })).rejects.toBeInstanceOf(UsageError);
    await expect(renderReport({ runDir: join(dir, 'nothing'), format: 'md' })).rejects.toThrow(/no run record/);
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'run.json'), JSON.stringify({ ...syntheticRecord(), steps: [{ title: 1 }] }));
    await expect(renderReport({ runDir: bad, format: 'md' })).rejects.toThrow(
      /does not match schemas\/run\.schema\.json:\n {2}\/steps\/0 /,
    );
  });
  it('the shipped templates pass the lint (they compile) and render the record: title, score, steps', async () => {
    const want: Record<string, RegExp[]> = {
      'lab-report.md': [
        /^# Lab 2: echo, scan, traceroute and DNS$/m,
        /^\| Score \| 9 \/ 14 points \(64%\) \|$/m,
        /^## 2\. capture the echo session$/m,
        /^### 2\.1 connect to echo as s$/m,
        /^## Checks summary$/m,
      ],
      'lab-report.tex': [
        /^\\title\{Lab 2: echo, scan, traceroute and DNS\}$/m,
        /^Score & 9 \/ 14 points \(64\\%\)\\\\$/m,
        /^\\section\*\{2\. capture the echo session\}$/m,
        /^\\section\*\{Checks summary\}$/m,
      ],
      'feedback.md': [
        /^# Feedback: Lab 2: echo, scan, traceroute and DNS$/m,
        /\*\*9 \/ 14\*\* points \(64%\)/,
        /^## 2\. capture the echo session — \*\*FAIL\*\*, 1\/2 points$/m,
        /^## Hidden checks$/m,
      ],
      'feedback.tex': [
        /Score & \\textbf\{9 \/ 14\} points \(64\\%\)/,
        /^\\subsection\*\{2\. capture the echo session \\hfill \\wlfail \\quad 1\/2\}$/m,
        /^\\subsection\*\{Hidden checks\}$/m,
      ],
    };
    for (const t of ['lab-report', 'feedback']) {
      for (const f of ['md', 'tex'] as const) {
        const out = await renderReport({ runDir: dir, template: t, format: f });
        for (const re of want[`${t}.${f}`]) expect(out, `${t}.${f}`).toMatch(re);
      }
    }
  });
});
