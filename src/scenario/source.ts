import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

export type { Path } from '../util/yaml-path.js';
import type { Path } from '../util/yaml-path.js';

/** The largest scenario file read (lab 1 is 9 KB): bigger ones are refused before parsing. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** How many aliases (`*name`) a document may expand (the yaml package's guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;

/** How deep `[`/`{` may nest (a scenario needs a handful). */
const MAX_FLOW_DEPTH = 64;

/** Offset of the first flow bracket nested deeper than MAX_FLOW_DEPTH (outside quotes and comments), if any. */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote || ch === '\n') quote = ch === '\n' && quote === "'" ? quote : '';
      continue;
    }
    if (ch === '"' || ch === "'") {
      if (i === 0 || /[\s[{,:]/.test(text[i - 1])) quote = ch;
    } else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (ch === '[' || ch === '{') {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Why `bytes` cannot be a UTF-8 scenario, if it cannot: a UTF-16/32 byte-order mark or a NUL byte
 * (which the YAML parser would otherwise report as a confusing "found string").
 */
export function encodingProblem(bytes: Uint8Array): { offset: number; message: string } | undefined {
  const [a, b, c, d] = bytes;
  const bom =
    a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff
      ? 'UTF-32 (big-endian)'
      : a === 0xff && b === 0xfe && c === 0x00 && d === 0x00
        ? 'UTF-32 (little-endian)'
        : a === 0xff && b === 0xfe
          ? 'UTF-16 (little-endian)'
          : a === 0xfe && b === 0xff
            ? 'UTF-16 (big-endian)'
            : undefined;
  if (bom) return { offset: 0, message: `the file is ${bom} text (it starts with a byte-order mark); save it as UTF-8` };
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return { offset: nul, message: 'a NUL byte: the file is binary, or UTF-16 text without a byte-order mark; a scenario is UTF-8 text' };
  }
  return undefined;
}

/**
 * A scenario file as text, YAML document and plain value, with the means to turn a path in
 * the value (`['steps', 3, 'send', 'line']`) back into a line and column of the file.
 */
export class Source {
  private constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): { source: Source; diagnostics: Diagnostic[] } {
    const lines = new LineCounter();
    const deep = tooDeep(text);
    if (deep !== undefined) {
      // The parser recurses per level: a few thousand '[' take seconds, then overflow its stack.
      const before = text.slice(0, deep).split('\n');
      const source = new Source(file, text, parseDocument('', { lineCounter: lines }), lines);
      return {
        source,
        diagnostics: [
          {
            file,
            line: before.length,
            col: before[before.length - 1].length + 1,
            code: 'yaml-syntax',
            message: `brackets nested more than ${MAX_FLOW_DEPTH} deep; a scenario needs far fewer`,
          },
        ],
      };
    }
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new Source(file, text, doc, lines);
    // One syntax error misleads the parser into more: only the first is reported, with a fix.
    const problems = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
    const syntax = problems.find((e) => e.code !== 'DUPLICATE_KEY');
    const diagnostics = (syntax ? [syntax] : problems).map((e) => {
      const at = lines.linePos(e.pos[0]);
      const code = e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
      return { file, line: at.line, col: at.col, code, message: yamlFix(text, e.code, e.pos[0], firstLine(e.message)) };
    });
    if (!diagnostics.length) diagnostics.push(...source.aliasProblems());
    return { source, diagnostics };
  }

  /** A file as bytes → a Source, or the diagnostics that say why it cannot be one (encoding, size). */
  static fromBytes(file: string, bytes: Uint8Array): { source?: Source; diagnostics: Diagnostic[] } {
    const enc = encodingProblem(bytes);
    if (enc) {
      const before = new TextDecoder().decode(bytes.subarray(0, enc.offset));
      const nl = before.split('\n');
      return { diagnostics: [{ file, line: nl.length, col: nl[nl.length - 1].length + 1, code: 'encoding', message: enc.message }] };
    }
    return Source.parse(file, new TextDecoder().decode(bytes));
  }

  /** Reads a scenario file: only a regular file of at most MAX_SCENARIO_BYTES is read at all. */
  static async read(file: string): Promise<{ source?: Source; diagnostics: Diagnostic[] }> {
    const fh = await open(file, 'r');
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw Object.assign(new Error(`${file} is a folder`), { code: 'EISDIR', syscall: 'read' });
      if (!st.isFile())
        return {
          diagnostics: [
            { file, line: 1, col: 1, code: 'not-a-file', message: 'not a regular file (a FIFO, device or socket); give a scenario file' },
          ],
        };
      if (st.size > MAX_SCENARIO_BYTES) {
        return {
          diagnostics: [
            {
              file,
              line: 1,
              col: 1,
              code: 'too-large',
              message: `the file has ${st.size} bytes; a scenario may have at most ${MAX_SCENARIO_BYTES} (1 MiB)`,
            },
          ],
        };
      }
      const buf = Buffer.alloc(st.size + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > st.size)
        return {
          diagnostics: [
            {
              file,
              line: 1,
              col: 1,
              code: 'too-large',
              message: `the file grew while it was read; a scenario may have at most ${MAX_SCENARIO_BYTES} bytes`,
            },
          ],
        };
      return Source.fromBytes(file, buf.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  }

  /**
   * Aliases that toJS would refuse, as diagnostics at the alias: one naming no anchor before it
   * ("Unresolved alias"), and expansion past the alias budget (an alias bomb).
   */
  private aliasProblems(): Diagnostic[] {
    const out: Diagnostic[] = [];
    let first: Node | undefined;
    visit(this.doc, {
      Alias: (_key, node) => {
        first ??= node;
        if (!node.resolve(this.doc))
          out.push(this.diagAt(node.range?.[0], 'yaml-alias', `alias *${node.source} names no anchor &${node.source} defined before it`));
      },
    });
    if (out.length || !first) return out;
    try {
      this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!/alias/i.test(msg)) throw e;
      out.push(
        this.diagAt(
          first.range?.[0],
          'yaml-alias',
          `aliases expand too much (${firstLine(msg)}); a scenario may expand at most ${MAX_ALIAS_COUNT} aliases, write the values out instead`,
        ),
      );
    }
    return out;
  }

  private diagAt(offset: number | undefined, code: string, message: string): Diagnostic {
    const { line, col } = this.pos(offset);
    return { file: this.file, line, col, code, message };
  }

  get sha256(): string {
    return createHash('sha256').update(this.text).digest('hex');
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  }

  /** The deepest node on `path` that exists, and whether the whole path was found. */
  private walk(path: Path): { node: Node | null; pair?: Pair; found: boolean } {
    let node = this.doc.contents;
    let pair: Pair | undefined;
    for (const key of path) {
      if (isMap(node)) {
        const p = node.items.find((it) => (isScalar(it.key) ? it.key.value : it.key) === key);
        if (!p) return { node, pair, found: false };
        pair = p;
        node = p.value as Node | null;
        if (node === null) return { node: (p.key as Node) ?? null, pair, found: true };
      } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
        pair = undefined;
        node = node.items[key] as Node;
      } else {
        return { node, pair, found: false };
      }
    }
    return { node, pair, found: true };
  }

  private pos(offset: number | undefined): { line: number; col: number } {
    return offset === undefined ? { line: 1, col: 1 } : this.lines.linePos(offset);
  }

  /** Position of the value at `path` (or of the nearest existing parent). */
  at(path: Path): { line: number; col: number } {
    return this.pos(this.walk(path).node?.range?.[0]);
  }

  /** Position of the key of the last path element (for "unknown key" errors). */
  keyAt(path: Path): { line: number; col: number } {
    const { pair, found, node } = this.walk(path);
    const key = pair?.key as Node | undefined;
    if (found && key?.range) return this.pos(key.range[0]);
    return this.pos(node?.range?.[0]);
  }

  /** The text of the scalar at `path` as the file writes it (`-4`, `yes`), if there is one. */
  scalarText(path: Path): string | undefined {
    const { node, found } = this.walk(path);
    if (!found || !isScalar(node) || !node.range) return undefined;
    return this.text.slice(node.range[0], node.range[1]);
  }

  /**
   * A diagnostic at the `nth` occurrence of `needle` inside the scalar at `path`, as the file
   * writes it (in a quoted or a block scalar, on whichever line it is); at the scalar otherwise.
   */
  diagInScalar(path: Path, needle: string, nth: number, code: string, message: string): Diagnostic {
    const { node, found } = this.walk(path);
    if (found && isScalar(node) && node.range) {
      const text = this.text.slice(node.range[0], node.range[1]);
      let i = -1;
      for (let n = 0; n <= nth; n++) {
        i = text.indexOf(needle, i + 1);
        if (i < 0) break;
      }
      if (i >= 0) return this.diagAt(node.range[0] + i, code, message);
    }
    return this.diag(path, code, message);
  }

  diag(path: Path, code: string, message: string, onKey = false, colInValue?: number): Diagnostic {
    const { line, col } = onKey ? this.keyAt(path) : this.at(path);
    if (colInValue === undefined) return { file: this.file, line, col, code, message };
    // A column inside a one-line string value: skip its opening quote, if any.
    const node = this.walk(path).node;
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
    return { file: this.file, line, col: col + quoted + colInValue - 1, code, message };
  }
}

/** The line of `text` around `offset`, and the offset where that line starts. */
function lineAt(text: string, offset: number): { line: string; start: number } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return { line: text.slice(start, end < 0 ? undefined : end).replace(/\r$/, ''), start };
}

const indentOf = (line: string) => /^ */.exec(line)?.[0].length ?? 0;

/**
 * The parser's message for a YAML mistake, with what to write instead: a value that starts
 * with `*` or holds `: ` must be quoted, tabs must be spaces, items of one list line up.
 */
export function yamlFix(text: string, code: string, offset: number, message: string): string {
  const { line, start } = lineAt(text, offset);
  const col = offset - start;
  // `- * > server:7 [ACK]` or `key: *`: a plain value may not start with `*` (it is an alias)
  const star = /^(\s*(?:-\s+|[^\s:#][^:#]*:\s+))(\*.*?)\s*(?:#.*)?$/.exec(line);
  if ((code === 'BAD_ALIAS' || /alias/i.test(message)) && star && star[1].length <= col + 1)
    return `${message}: a value that starts with "*" is read as a YAML alias; quote it: ${star[1].trim()} "${star[2].replace(/["\\]/g, '\\$&')}"`;
  if (code === 'TAB_AS_INDENT') return `${message}: indent with spaces (YAML forbids tabs there)`;
  // `banner: Welcome: hi`: the second ": " starts a mapping inside the value
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'BLOCK_IN_FLOW') {
    const kv = /^(\s*(?:-\s+)?(?:.*[{,]\s*)?)([A-Za-z_][\w-]*):\s+([^{},"']*?:\s[^{},]*?)\s*([},].*)?$/.exec(line);
    if (kv) return `${message}: a value that holds ": " must be quoted: ${kv[2]}: "${kv[3].replace(/["\\]/g, '\\$&')}"`;
    return `${message}: quote a value that holds ": "`;
  }
  if (code === 'BAD_INDENT' || (code === 'MISSING_CHAR' && /indicator/.test(message))) {
    const before = text
      .slice(0, start)
      .split('\n')
      .slice(0, -1)
      .reverse()
      .find((l) => l.trim() && !l.trim().startsWith('#'));
    const here = indentOf(line);
    const above = before === undefined ? 0 : indentOf(before);
    return `${message}: this line is indented ${here} space${here === 1 ? '' : 's'}, the line above ${above}; give items of one list or mapping the same indentation (spaces only)`;
  }
  return message;
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
