/**
 * Character scanner for pattern lines: positions are 0-based internally, errors carry 1-based
 * columns. Reads words, numbers, quoted strings (\" \\ \r \n \t \xHH escapes) and /regex/flags.
 */
import type { PatternError } from './types.js';

export class ParseFail extends Error {
  constructor(readonly error: PatternError) {
    super(error.message);
  }
}

export class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(n = 0): string {
    return this.text[this.pos + n] ?? '';
  }
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }
  skipWs(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  /** Throws a ParseFail at `pos` (default: here). */
  fail(message: string, expected?: string[], pos = this.pos): never {
    throw new ParseFail({ col: pos + 1, message, ...(expected ? { expected } : {}) });
  }
  /** A run of characters that are not blanks or any of `stops`. */
  word(stops = '[],=<>!"/'): string {
    const start = this.pos;
    while (this.pos < this.text.length && !/\s/.test(this.text[this.pos]) && !stops.includes(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** A non-negative integer. */
  int(what: string): number {
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`expected ${what}`, ['a number']);
    this.pos += m[0].length;
    return Number(m[0]);
  }
  /** A double-quoted string with escapes; `pos` is at the opening quote. */
  quoted(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.done) this.fail('unterminated string', ['"'], start);
      const ch = this.text[this.pos++];
      if (ch === '"') return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++] ?? '';
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\', '"': '"' };
      if (esc in simple) out += simple[esc];
      else if (esc === 'x' && /^[0-9a-fA-F]{2}/.test(this.text.slice(this.pos))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 2), 16));
        this.pos += 2;
      } else this.fail(`unknown escape \\${esc}`, ['\\n', '\\r', '\\t', '\\0', '\\\\', '\\"', '\\xHH'], this.pos - 2);
    }
  }
  /** A /regex/flags; `pos` is at the opening slash. */
  regex(): RegExp {
    const start = this.pos;
    this.pos++;
    let src = '';
    for (;;) {
      if (this.done) this.fail('unterminated regular expression', ['/'], start);
      const ch = this.text[this.pos++];
      if (ch === '/') break;
      src += ch;
      if (ch === '\\' && !this.done) src += this.text[this.pos++];
    }
    const flags = this.word();
    if (!/^[ims]*$/.test(flags)) this.fail(`bad regular-expression flags "${flags}"`, ['i', 'm', 's'], this.pos - flags.length);
    try {
      return new RegExp(src, flags);
    } catch (e) {
      this.fail(`bad regular expression: ${(e as Error).message}`, undefined, start);
    }
  }
}
