/**
 * LaTeX → PDF with latexmk/pdflatex in a temporary folder. Missing TeX is an EnvironmentError
 * (exit 3) with the install command; a LaTeX error shows the relevant lines of the log.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';

export const TEX_INSTALL =
  'sudo apt-get install -y --no-install-recommends texlive-latex-base texlive-latex-recommended texlive-pictures lmodern latexmk';

/** The full path of an executable found on PATH, or null. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** Throws EnvironmentError unless latexmk and pdflatex are on PATH. */
export function requireLatex(path = process.env.PATH ?? ''): string {
  const missing = ['latexmk', 'pdflatex'].filter((t) => !findOnPath(t, path));
  if (missing.length)
    throw new EnvironmentError(
      `${missing.join(' and ')} not found on PATH: PDF reports need a LaTeX installation`,
      TEX_INSTALL,
      'no-latex',
    );
  return findOnPath('latexmk', path)!;
}

/** The `! ...` error lines of a LaTeX log with a few lines of context each (at most 5 errors). */
export function latexLogErrors(log: string): string {
  const lines = log.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length && out.length < 60; i++) {
    if (lines[i].startsWith('!')) {
      const end = lines.findIndex((l, j) => j > i && /^l\.\d+/.test(l));
      const stop = end > i && end - i < 12 ? end + 1 : i + 6;
      out.push(...lines.slice(i, stop), '');
      i = stop - 1;
    }
  }
  return out.length ? out.join('\n').trimEnd() : lines.slice(-20).join('\n');
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      res({ code, output: `${stdout}${stderr}` });
    });
  });
}

export interface PdfOptions {
  /** Give up after this long (default 5 minutes: a 5,000-row table takes a while). */
  timeoutMs?: number;
  /** Keep the .tex next to the PDF (out with .tex). */
  keepTex?: boolean;
}

/** Compiles LaTeX source to `out` (a .pdf path). */
export async function compilePdf(tex: string, out: string, opts: PdfOptions = {}): Promise<void> {
  const latexmk = requireLatex();
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-pdf-'));
  try {
    await writeFile(join(dir, 'report.tex'), tex);
    const r = await run(latexmk, ['-pdf', '-interaction=nonstopmode', '-halt-on-error', 'report.tex'], dir, opts.timeoutMs ?? 300_000);
    if (r.code !== 0) {
      const log = await readFile(join(dir, 'report.log'), 'utf8').catch(() => r.output);
      throw new UsageError(`LaTeX failed (exit ${r.code ?? 'timeout'}) for ${out}:\n${latexLogErrors(log)}`, 'latex-error');
    }
    await copyFile(join(dir, 'report.pdf'), out);
    if (opts.keepTex) await copyFile(join(dir, 'report.tex'), out.replace(/\.pdf$/, '') + '.tex');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
