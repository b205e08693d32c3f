import { resolve } from 'node:path';
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { UsageError } from '../errors.js';
import type { ReportSpec } from '../generated/scenario.js';
import { writeReport, type ReportFormat } from '../report/render.js';

const FORMATS: readonly ReportFormat[] = ['md', 'tex', 'pdf', 'html'];
const TRACE_STYLES = ['traceroute', 'tracert'] as const;

export interface ReportCommandOptions {
  template?: string;
  format?: string;
  out?: string;
  instructor?: boolean;
  traceStyle?: string;
}

/**
 * The format asked for, or the one implied by --out's extension, or by a `.tex.hbs`/`.md.hbs`/`.html.hbs`
 * template file, or md. An --out whose extension is no format wirelab writes (`x.txt`) is
 * refused unless --format says what to write, rather than silently filled with Markdown.
 */
export function pickFormat(opts: ReportCommandOptions): ReportFormat {
  const ext = /\.([A-Za-z0-9]+)$/.exec(opts.out ?? '')?.[1]?.toLowerCase();
  const fromOut = ext && (FORMATS as readonly string[]).includes(ext) ? ext : undefined;
  const supported = FORMATS.map((f) => `.${f}`).join(', ');
  if (opts.format !== undefined && !FORMATS.includes(opts.format as ReportFormat))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${opts.format}"`);
  if (ext && !fromOut && opts.format === undefined)
    throw new UsageError(
      `--out ${opts.out}: wirelab does not write .${ext} reports; give a file ending in ${supported}, or --format ${FORMATS.join('|')}`,
    );
  const f = opts.format ?? fromOut ?? /\.(md|tex|html)\.hbs$/.exec(opts.template ?? '')?.[1] ?? 'md';
  return f as ReportFormat;
}

/** `wirelab report RUN_DIR`: renders the report; returns the exit code (0, or throws). */
export async function reportCommand(runDir: string, opts: ReportCommandOptions): Promise<number> {
  const traceStyle = opts.traceStyle ?? 'traceroute';
  if (!(TRACE_STYLES as readonly string[]).includes(traceStyle))
    throw new UsageError(`--trace-style must be traceroute or tracert, got "${traceStyle}"`);
  const out = await writeReport({
    runDir,
    template: opts.template,
    format: pickFormat(opts),
    out: opts.out,
    instructor: opts.instructor,
    traceStyle: traceStyle as (typeof TRACE_STYLES)[number],
  });
  process.stderr.write(`report: ${out}\n`);
  return 0;
}

/**
 * Writes the reports a scenario's `report:` section (its generated `ReportSpec`) asks for, at the end of a run; returns the
 * files written. `scenarioDir` (the scenario file's folder) anchors a template file path. Errors (missing LaTeX: EnvironmentError; bad template: UsageError) propagate.
 */
export async function writeScenarioReports(runDir: string, spec: ReportSpec, scenarioDir?: string): Promise<string[]> {
  const written: string[] = [];
  // A template given as a file is relative to the scenario file, like every other path in it.
  const template = spec.template && scenarioDir && /[/\\]|\.hbs$/.test(spec.template) ? resolve(scenarioDir, spec.template) : spec.template;
  for (const format of spec.formats ?? ['md']) {
    written.push(await writeReport({ runDir, template, format, instructor: spec.instructor, traceStyle: spec.traceStyle }));
  }
  return written;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('render a lab report (Markdown, LaTeX, PDF or HTML) from a run folder (RUN_DIR/run.json)')
    .argument('<run-dir>', 'run folder written by `wirelab run` (e.g. reports/echo)')
    .option('-t, --template <name|file>', 'template name in templates/ (lab-report, feedback) or a template file', 'lab-report')
    .option('-f, --format <format>', 'md, tex, pdf or html (default: from --out, else md)')
    .option('-o, --out <file>', 'output file (default: RUN_DIR/report.<ext>)')
    .option('--instructor', 'show hidden steps and checks in full')
    .option('--trace-style <style>', 'traceroute listings as Linux traceroute -n (default) or Windows tracert, hops named by the lab DNS')
    .action(withExit((runDir: string, opts: ReportCommandOptions) => reportCommand(runDir, opts)));
}
