import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pickFormat, register, writeScenarioReports } from '../../src/commands/report.js';
import { syntheticRecord } from './records.js';

/** Runs `wirelab report ARGS` through commander as main.ts would; returns the exit code. */
async function cli(args: string[]): Promise<number> {
  const program = new Command('wirelab').exitOverride();
  register(program);
  const saved = process.exitCode;
  const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    process.exitCode = undefined;
    await program.parseAsync(['report', ...args], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } finally {
    quiet.mockRestore();
    process.exitCode = saved;
  }
}

describe('wirelab report', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-cli-'));
    await writeFile(join(dir, 'run.json'), JSON.stringify(syntheticRecord()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes RUN_DIR/report.md by default and honours --template/--out/--instructor', async () => {
    expect(await cli([dir])).toBe(0);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toMatch(/^# Lab 2: echo, scan, traceroute and DNS\n/);
    expect(await cli([dir, '--template', 'feedback', '--out', join(dir, 'fb.tex'), '--instructor'])).toBe(0);
    const tex = await readFile(join(dir, 'fb.tex'), 'utf8');
    expect(tex).toContain('Feedback: Lab 2');
    expect(tex).toContain('second client echoed');
  });

  it('picks the format from --format, then --out, then the template file name', () => {
    expect(pickFormat({ format: 'pdf', out: 'x.md' })).toBe('pdf');
    expect(pickFormat({ out: 'x.tex' })).toBe('tex');
    expect(pickFormat({ out: 'x.html' })).toBe('html');
    expect(pickFormat({ template: 'mine.html.hbs' })).toBe('html');
    // issue 16: no Markdown silently written into a file of another kind
    expect(() => pickFormat({ out: 'x.txt' })).toThrow(
      '--out x.txt: wirelab does not write .txt reports; give a file ending in .md, .tex, .pdf, .html, or --format md|tex|pdf|html',
    );
    expect(pickFormat({ out: 'report' })).toBe('md');
    expect(pickFormat({ template: 'mine.tex.hbs' })).toBe('tex');
    expect(pickFormat({ template: 'lab-report' })).toBe('md');
  });

  it('exits 2 for a bad format, an unknown template or a folder without run.json', async () => {
    expect(await cli([dir, '--format', 'docx'])).toBe(2);
    expect(await cli([dir, '--format', 'html', '--trace-style', 'mtr'])).toBe(2);
    expect(await cli([dir, '--template', 'nope'])).toBe(2);
    expect(await cli([join(dir, 'missing')])).toBe(2);
    expect(await cli([dir, '--out', join(dir, 'x.txt')])).toBe(2);
    expect(existsSync(join(dir, 'x.txt'))).toBe(false);
  });

  it('writes an HTML report with --out x.html, and tracert listings with --trace-style tracert', async () => {
    expect(await cli([dir, '--out', join(dir, 'r.html'), '--trace-style', 'tracert'])).toBe(0);
    const html = await readFile(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>\n/);
    expect(html).toContain('Trace complete.');
  });

  it('writeScenarioReports writes each requested format next to run.json', async () => {
    const files = await writeScenarioReports(dir, { template: 'lab-report', formats: ['md', 'tex'] });
    expect(files).toEqual([join(dir, 'report.md'), join(dir, 'report.tex')]);
    expect(await readFile(files[1], 'utf8')).toMatch(/^\\documentclass/);
  });

  it('writeScenarioReports resolves a template file against the scenario folder', async () => {
    await writeFile(join(dir, 'short.md.hbs'), 'Score: {{md summary.points.earned}}/{{md summary.points.max}}\n');
    const [file] = await writeScenarioReports(dir, { template: 'short.md.hbs' }, dir);
    expect(await readFile(file, 'utf8')).toBe('Score: 9/14\n');
  });
});
