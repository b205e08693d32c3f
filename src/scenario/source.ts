import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

export type Path = (string | number)[];

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
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new Source(file, text, doc, lines);
    const diagnostics = [...doc.errors, ...doc.warnings].map((e) => {
      const at = lines.linePos(e.pos[0]);
      const code = e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
      return { file, line: at.line, col: at.col, code, message: firstLine(e.message) };
    });
    return { source, diagnostics };
  }

  static async read(file: string): Promise<{ source: Source; diagnostics: Diagnostic[] }> {
    return Source.parse(file, await readFile(file, 'utf8'));
  }

  get sha256(): string {
    return createHash('sha256').update(this.text).digest('hex');
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** The deepest node on `path` that exists, and whether the whole path was found. */
  private walk(path: Path): { node: Node | null; pair?: Pair; found: boolean } {
    let node = this.doc.contents as Node | null;
    let pair: Pair | undefined;
    for (const key of path) {
      if (isMap(node)) {
        const p = node.items.find((it) => (isScalar(it.key) ? it.key.value : it.key) === key);
        if (!p) return { node, pair, found: false };
        pair = p as Pair;
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

  diag(path: Path, code: string, message: string, onKey = false, colInValue?: number): Diagnostic {
    const { line, col } = onKey ? this.keyAt(path) : this.at(path);
    if (colInValue === undefined) return { file: this.file, line, col, code, message };
    // A column inside a one-line string value: skip its opening quote, if any.
    const node = this.walk(path).node;
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
    return { file: this.file, line, col: col + quoted + colInValue - 1, code, message };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
