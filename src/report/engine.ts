/**
 * One isolated Handlebars environment per output format. Templates are compiled with
 * `noEscape: true` (Handlebars' HTML escaping is wrong for LaTeX and Markdown) and in strict mode,
 * with every path — also helper arguments and block parameters — made strict, so a missing field
 * is an error `template:line: missing field "x"`. Values reach the output only through the
 * format's escaping helpers, which the lint enforces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { UsageError } from '../errors.js';
import { TEMPLATE_DIR } from '../util/paths.js';
import { mdCell, mdCellCode, mdCode, mdEscape, mdFence } from './escape-md.js';
import { texEscape, texVerbatim } from './escape-tex.js';
import { htmlEscape } from './escape-html.js';
import { assertLintClean } from './lint.js';
import type { DrawingView } from './model.js';
import { htmlProse, mdProse, texProse } from './prose.js';

export type TextFormat = 'md' | 'tex' | 'html';

/** The escaping helpers of each format; the first is the one the lint suggests. */
const HELPERS: Record<TextFormat, Record<string, (value: unknown, ...rest: unknown[]) => string>> = {
  tex: {
    tex: (v, options) => texEscape(v, breakOption(options)),
    texverb: (v) => texVerbatim(v),
    texprose: (v) => texProse(v),
    texdrawing: (v) => texDrawing(v),
  },
  html: {
    // text and quoted attribute values alike (`<p title="{{html x}}">{{html x}}</p>`)
    html: (v) => htmlEscape(v),
    htmlprose: (v) => htmlProse(v),
    htmldrawing: (v) => drawingOf(v, 'htmldrawing').svg,
  },
  md: {
    md: (v) => mdEscape(v),
    mdcell: (v) => mdCell(v),
    mdcode: (v) => mdCode(v),
    mdcellcode: (v) => mdCellCode(v),
    mdfence: (v) => mdFence(v),
    mdverb: (v, options) => mdVerbatim(v, options),
    mdprose: (v) => mdProse(v),
    mdimage: (v) => mdImage(v),
  },
};

/**
 * The value of `{{texdrawing x}}` / `{{mdimage x}}` / `{{htmldrawing x}}` (the SVG inline, its labels
 * escaped by the emitter, its marker ids unique in the page): a DrawingView of the model, nothing else.
 */
function drawingOf(v: unknown, helper: string): DrawingView {
  if (!v || typeof v !== 'object' || (v as { drawing?: unknown }).drawing !== true)
    throw new UsageError(`{{${helper} x}} needs a drawing of the report model (a capture's ladder, topologyDrawing)`, 'template');
  return v as DrawingView;
}

/** `{{texdrawing x}}`: the drawing's TikZ, shrunk to the line width and 3/4 of the page's height when larger (never enlarged). */
function texDrawing(v: unknown): string {
  const d = drawingOf(v, 'texdrawing');
  const fitWidth = `\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%\n${d.tikz}}`;
  return `\\resizebox{!}{\\ifdim\\totalheight>0.75\\textheight 0.75\\textheight\\else\\totalheight\\fi}{%\n${fitWidth}}`;
}

/** `{{mdimage x}}`: an image of the drawing's SVG file, which the report writes beside itself. */
function mdImage(v: unknown): string {
  const d = drawingOf(v, 'mdimage');
  return `![${mdEscape(d.alt)}](${d.file})`;
}

/** Names of the escaping helpers a template of this format may use. */
export function helperNames(format: TextFormat): string[] {
  return Object.keys(HELPERS[format]);
}

/** `{{mdverb x}}`: a line of a `{{#mdlisting}}` block, as it appears inside the code fence. */
function mdVerbatim(v: unknown, options: unknown): string {
  if (!(options as { data?: { mdlisting?: boolean } } | undefined)?.data?.mdlisting)
    throw new UsageError('{{mdverb x}} is only allowed inside a {{#mdlisting}} block (it writes unescaped code)', 'template');
  const fenced = mdFence(v);
  return fenced.slice(fenced.indexOf('\n') + 1, fenced.lastIndexOf('\n'));
}

/** `{{tex x break=12}}`: break tokens longer than 12 characters (narrow table columns). */
function breakOption(options: unknown): { breakLongTokens?: number } {
  const b = (options as { hash?: { break?: unknown } } | undefined)?.hash?.break;
  return typeof b === 'number' && b >= 0 ? { breakLongTokens: b } : {};
}

type Template = (context: unknown) => string;

interface BlockOptions {
  fn: (context: unknown) => string;
  inverse: (context: unknown) => string;
  hash: Record<string, unknown>;
  data?: { root?: unknown };
}
type Section = { title?: unknown; kind?: unknown; capture?: { name?: unknown } | null; children?: Section[] };

/** Depth first: the first section whose title or capture name is `name` (and whose kind is `kind`, if given). */
export function findSection(sections: readonly Section[], name: string | null, kind: string | null = null): Section | null {
  for (const s of sections) {
    const named = name === null || s.title === name || s.capture?.name === name;
    if (named && (kind === null || s.kind === kind)) return s;
    const inner = findSection(s.children ?? [], name, kind);
    if (inner) return inner;
  }
  return null;
}

/**
 * Lookup blocks, the same in every format (they insert nothing themselves):
 * `{{#step "title or capture name" [kind="scan"]}}…{{else}}not found{{/step}}` renders its body
 * with the first matching section (depth first; inside a section's block, its children first, then
 * the whole report) as context; the name may be left out to match by kind only;
 * `{{#session "conn"}}…{{/session}}` does the same with the run's terminal session of a connection.
 */
const BLOCKS: Record<string, (...args: unknown[]) => string> = {
  step(this: unknown, ...args: unknown[]) {
    const options = args.pop() as BlockOptions;
    const name = args.length ? String(args[0]) : null;
    const kind = typeof options.hash.kind === 'string' ? options.hash.kind : null;
    const root = (options.data?.root ?? {}) as { sections?: Section[] };
    const here = (this as Section | null)?.children;
    const found = (Array.isArray(here) ? findSection(here, name, kind) : null) ?? findSection(root.sections ?? [], name, kind);
    return found ? options.fn(found) : options.inverse(this);
  },
  session(this: unknown, ...args: unknown[]) {
    const options = args.pop() as BlockOptions;
    const root = (options.data?.root ?? {}) as { sessions?: { conn?: unknown }[] };
    const found = (root.sessions ?? []).find((x) => x.conn === String(args[0]));
    return found ? options.fn(found) : options.inverse(this);
  },
};

/**
 * `{{#mdlisting lang="console"}}$ {{mdverb command}}…{{/mdlisting}}` (Markdown): a fenced code block
 * assembled from several values; the fence is longer than any backtick run of the result.
 */
function mdListing(this: unknown, options: BlockOptions): string {
  const data = Handlebars.createFrame(options.data ?? {}) as Record<string, unknown>;
  data.mdlisting = true;
  const body = (options.fn as (c: unknown, o: unknown) => string)(this, { data });
  return `${mdFence(body.replace(/^\n+/, ''), typeof options.hash.lang === 'string' ? options.hash.lang : '')}\n`;
}

/** Marks every path strict and remembers `line:col → path` for error messages. */
function strictify(node: unknown, paths: Map<string, string>): void {
  if (Array.isArray(node)) return node.forEach((n) => strictify(n, paths));
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown> & { type?: string; loc?: { start: { line: number; column: number } }; original?: string };
  if (n.type === 'PathExpression') {
    n.strict = true;
    if (n.loc) paths.set(`${n.loc.start.line}:${n.loc.start.column}`, n.original ?? '?');
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'loc' && v && typeof v === 'object') strictify(v, paths);
}

/** Turns a Handlebars runtime error into `name:line: missing field "x"`. */
function wrapError(err: unknown, name: string, paths: Map<string, string>): Error {
  if (err instanceof UsageError) return err;
  const e = err as Error & { lineNumber?: number; column?: number };
  const m = /^"([^"]*)" not defined in/.exec(e.message ?? '');
  if (m && e.lineNumber !== undefined) {
    const field = paths.get(`${e.lineNumber}:${e.column}`) ?? m[1];
    return new UsageError(`${name}:${e.lineNumber}: missing field "${field}"`, 'template-field');
  }
  return new UsageError(`${name}: ${e.message ?? String(err)}`, 'template');
}

/** A report environment: helpers and built-in partials of one format. */
export class ReportEnv {
  private readonly hb = Handlebars.create();

  constructor(readonly format: TextFormat) {
    for (const [name, fn] of Object.entries(HELPERS[format]))
      this.hb.registerHelper(name, (value: unknown, options: unknown) => fn(value, options));
    for (const [name, fn] of Object.entries(BLOCKS)) this.hb.registerHelper(name, fn);
    if (format === 'md') this.hb.registerHelper('mdlisting', mdListing);
    const dir = join(TEMPLATE_DIR, 'partials', format);
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.hbs'))
      .sort()) {
      const partial = this.compile(readFileSync(join(dir, file), 'utf8'), `templates/partials/${format}/${file}`);
      this.hb.registerPartial(basename(file, '.hbs'), partial);
    }
  }

  /** Lints and compiles a template; `name` appears in every error message. */
  compile(source: string, name: string): Template {
    assertLintClean(source, name, helperNames(this.format));
    let ast: hbs.AST.Program;
    try {
      ast = Handlebars.parse(source);
    } catch (err) {
      throw new UsageError(`${name}: ${(err as Error).message}`, 'template-syntax');
    }
    const paths = new Map<string, string>();
    strictify(ast, paths);
    // HTML: a partial called on an indented line is not indented (that would shift the lines of a <pre>)
    const fn = this.hb.compile(ast, { noEscape: true, strict: true, preventIndent: this.format === 'html' });
    return (context: unknown, options?: unknown) => {
      try {
        return (fn as (c: unknown, o?: unknown) => string)(context, options);
      } catch (err) {
        throw wrapError(err, name, paths);
      }
    };
  }
}
