/**
 * Renders a report from a run folder (its run.json and nothing else) with a Handlebars template:
 * a shipped one by name (`lab-report`, `feedback`) or a template file.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { RunRecord } from '../generated/run-record.js';
import { run as validateRunRecord } from '../generated/validators.js';
import { TEMPLATE_DIR } from '../util/paths.js';
import { ReportEnv, type TextFormat } from './engine.js';
import { buildModel, type SectionView } from './model.js';
import { attachPacketDetails } from './packet-details.js';
import { compilePdf } from './pdf.js';
import { tidyBlankLines } from './tidy.js';

export type ReportFormat = TextFormat | 'pdf';

export interface RenderOptions {
  /** The run folder holding run.json. */
  runDir: string;
  /** A template name in templates/ (`lab-report`, `feedback`) or a template file path. Default `lab-report`. */
  template?: string;
  format: TextFormat;
  /** Show hidden steps and checks in full. */
  instructor?: boolean;
  /** Traceroute listings in Linux traceroute's layout (default) or Windows tracert's. */
  traceStyle?: 'traceroute' | 'tracert';
}

const envs = new Map<TextFormat, ReportEnv>();
/** The (cached) Handlebars environment of a format. */
export function envFor(format: TextFormat): ReportEnv {
  let env = envs.get(format);
  if (!env) envs.set(format, (env = new ReportEnv(format)));
  return env;
}

/** Reads `RUN_DIR/run.json` and checks it against schemas/run.schema.json. */
export async function readRunRecord(runDir: string): Promise<RunRecord> {
  const file = join(runDir, 'run.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`no run record at ${file} (run the scenario first: wirelab run SCENARIO)`, 'no-run-record');
  }
  let record: RunRecord;
  try {
    record = JSON.parse(text) as RunRecord;
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`, 'bad-run-record');
  }
  if (record?.format !== 1) throw new UsageError(`${file} is not a wirelab run record (format 1)`, 'bad-run-record');
  const validate = validateRunRecord;
  if (!validate(record)) {
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''}`);
    throw new UsageError(`${file} does not match schemas/run.schema.json:\n${errors.join('\n')}`, 'bad-run-record');
  }
  return record;
}

/** Finds the template file: `NAME` → templates/NAME.<format>.hbs, else a path to a file. */
export function resolveTemplate(template: string, format: TextFormat): string {
  const shipped = join(TEMPLATE_DIR, `${template}.${format}.hbs`);
  if (/^[\w-]+$/.test(template) && existsSync(shipped)) return shipped;
  const file = resolve(template);
  if (existsSync(file)) return file;
  throw new UsageError(
    `template "${template}" not found: neither templates/${template}.${format}.hbs nor a file of that name`,
    'no-template',
  );
}

/** Renders the report text of a run folder. */
export async function renderReport(opts: RenderOptions): Promise<string> {
  return (await renderReportFiles(opts)).text;
}

/** A report's text and the files it refers to (the Markdown report's SVG drawings), paths relative to the report. */
export interface RenderedReport {
  text: string;
  files: { path: string; content: string }[];
}

/** Renders the report text of a run folder, and for Markdown the SVG files of the drawings it shows. */
export async function renderReportFiles(opts: RenderOptions): Promise<RenderedReport> {
  const record = await readRunRecord(opts.runDir);
  const file = resolveTemplate(opts.template ?? 'lab-report', opts.format);
  const name = file.startsWith(TEMPLATE_DIR) ? `templates/${relative(TEMPLATE_DIR, file)}` : relative(process.cwd(), file) || file;
  const template = envFor(opts.format).compile(await readFile(file, 'utf8'), name);
  const model = buildModel(record, { instructor: opts.instructor, traceStyle: opts.traceStyle });
  // only HTML shows a packet's layers and bytes (a row that opens); they come from the capture files
  if (opts.format === 'html') await attachPacketDetails(model, opts.runDir);
  const text = tidyBlankLines(template(model), opts.format);
  const drawings = [model.topologyDrawing, ...allSections(model.sections).map((s) => s.capture?.ladder ?? null)];
  const files =
    opts.format === 'md'
      ? drawings.filter((d) => d !== null && text.includes(`](${d.file})`)).map((d) => ({ path: d!.file, content: d!.svg }))
      : [];
  return { text, files };
}

/** Every section, depth first. */
function allSections(sections: SectionView[]): SectionView[] {
  return sections.flatMap((s) => [s, ...allSections(s.children)]);
}

export interface WriteOptions extends Omit<RenderOptions, 'format'> {
  format: ReportFormat;
  /** Output file (default RUN_DIR/report.<ext>). */
  out?: string;
}

/** Renders and writes a report (PDF through latexmk); returns the path written. */
export async function writeReport(opts: WriteOptions): Promise<string> {
  const out = resolve(opts.out ?? join(opts.runDir, `report.${opts.format}`));
  await mkdir(dirname(out), { recursive: true });
  if (opts.format === 'pdf') {
    const tex = await renderReport({ ...opts, format: 'tex' });
    await compilePdf(tex, out);
  } else {
    const { text, files } = await renderReportFiles({ ...opts, format: opts.format });
    for (const f of files) {
      const path = join(dirname(out), f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content);
    }
    await writeFile(out, text);
  }
  return out;
}
