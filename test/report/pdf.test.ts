import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportError } from '../../src/commands/exit.js';
import { reportCommand } from '../../src/commands/report.js';
import { EnvironmentError, UsageError } from '../../src/errors.js';
import { silentReporter } from '../../src/interpreter/reporter.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { compilePdf, latexLogErrors, TEX_INSTALL } from '../../src/report/pdf.js';
import { loadScenario } from '../../src/scenario/load.js';

/** Where the PNG of the echo report's first page is kept for a person to look at. */
export const PNG_KEEP = join(tmpdir(), 'wirelab-echo-report-page1.png');

describe('PDF reports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-pdf-'));
    const r = await loadScenario('scenarios/echo.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    await runScenario(r.loaded, { out: dir, reporter: silentReporter });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('wirelab report RUN_DIR --format pdf writes RUN_DIR/report.pdf; its first page renders to a PNG', async () => {
    expect(await reportCommand(dir, { format: 'pdf' })).toBe(0);
    const pdf = join(dir, 'report.pdf');
    expect((await readFile(pdf)).subarray(0, 5).toString()).toBe('%PDF-');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, join(dir, 'page')]);
    const png = join(dir, 'page-1.png');
    expect(existsSync(png)).toBe(true);
    const bytes = await readFile(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // The page is not blank: rendered in grey, a share of its pixels is ink (a page of text is
    // several per cent; a blank one none).
    execFileSync('pdftoppm', ['-gray', '-r', '60', '-f', '1', '-l', '1', pdf, join(dir, 'grey')]);
    const pgm = await readFile(join(dir, 'grey-1.pgm'));
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 64).toString('latin1'));
    expect(header, 'a binary PGM').not.toBeNull();
    const pixels = pgm.subarray(header![0].length);
    expect(pixels.length).toBe(Number(header![1]) * Number(header![2]));
    const ink = pixels.reduce((n, v) => n + (v < 128 ? 1 : 0), 0) / pixels.length;
    expect(ink).toBeGreaterThan(0.01);
    await writeFile(PNG_KEEP, bytes);
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('TCP echo — banner, two lines, close');
    expect(text).toContain('Listing 1: Transcript of "start the echo server"');
  }, 120_000);

  it('--out and the format implied by its extension', async () => {
    const out = join(dir, 'sub', 'lab.tex');
    expect(await reportCommand(dir, { out })).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/^\\documentclass/);
    await expect(reportCommand(dir, { format: 'docx' })).rejects.toBeInstanceOf(UsageError);
  });

  it('without latexmk on PATH: EnvironmentError, exit 3, with the install command', async () => {
    const saved = process.env.PATH;
    const empty = await mkdtemp(join(tmpdir(), 'wirelab-nopath-'));
    process.env.PATH = empty;
    try {
      const err = await reportCommand(dir, { format: 'pdf', out: join(dir, 'x.pdf') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnvironmentError);
      expect((err as Error).message).toContain(TEX_INSTALL);
      const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        expect(reportError(err)).toBe(3);
      } finally {
        quiet.mockRestore();
      }
      expect(existsSync(join(dir, 'x.pdf'))).toBe(false);
    } finally {
      process.env.PATH = saved;
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('a LaTeX error shows the relevant lines of the log', async () => {
    const err = await compilePdf(
      '\\documentclass{article}\n\\begin{document}\nok\n\\undefinedmacro\n\\end{document}\n',
      join(dir, 'bad.pdf'),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/! Undefined control sequence\.[\s\S]*l\.4 \\undefinedmacro/);
    expect(latexLogErrors('a\n! Boom.\nx\nl.7 here\nz')).toBe('! Boom.\nx\nl.7 here');
  }, 60_000);
});
