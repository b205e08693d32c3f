/**
 * LaTeX escaping for text that comes from a run record (anything a peer sent, a command printed,
 * a packet's Info column). Output compiles with pdflatex using only texlive-latex-base,
 * texlive-latex-recommended and lmodern (T1 fontenc + lmodern + textcomp).
 *
 * Two contexts:
 * - `texEscape`: normal text (paragraphs, table cells, \texttt). Every special is escaped,
 *   `--` is split so it never becomes a ligature, runs of spaces are kept, non-ASCII is mapped.
 * - `texVerbatim`: the body of a `lstlisting` environment. Only what verbatim cannot take is
 *   changed: non-ASCII (listings rejects multibyte UTF-8), tabs, control characters, and a line
 *   that would end the environment.
 */
import { toText } from '../util/text.js';

/** Text-mode replacements for the ASCII specials. */
const SPECIAL: Record<string, string> = {
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '\\': '\\textbackslash{}',
  '[': '{[}',
  ']': '{]}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
  "'": '\\textquotesingle{}',
  '"': '\\textquotedbl{}',
  '`': '\\textasciigrave{}',
};

/** Common non-ASCII symbols: [text-mode LaTeX, ASCII stand-in for verbatim]. */
const UNICODE: Record<string, [string, string]> = {
  '→': ['\\textrightarrow{}', '->'],
  '←': ['\\textleftarrow{}', '<-'],
  '↑': ['\\textuparrow{}', '^'],
  '↓': ['\\textdownarrow{}', 'v'],
  '↔': ['\\textleftarrow{}\\textrightarrow{}', '<->'],
  '⇒': ['$\\Rightarrow$', '=>'],
  '…': ['\\textellipsis{}', '...'],
  '–': ['\\textendash{}', '-'],
  '—': ['\\textemdash{}', '--'],
  '‘': ['\\textquoteleft{}', "'"],
  '’': ['\\textquoteright{}', "'"],
  '“': ['\\textquotedblleft{}', '"'],
  '”': ['\\textquotedblright{}', '"'],
  '•': ['\\textbullet{}', '*'],
  '·': ['\\textperiodcentered{}', '.'],
  '×': ['\\texttimes{}', 'x'],
  '÷': ['\\textdiv{}', '/'],
  '±': ['\\textpm{}', '+/-'],
  '°': ['\\textdegree{}', 'deg'],
  µ: ['\\textmu{}', 'u'],
  μ: ['\\textmu{}', 'u'],
  '≤': ['$\\leq$', '<='],
  '≥': ['$\\geq$', '>='],
  '≠': ['$\\neq$', '!='],
  '✓': ['$\\surd$', 'v'],
  '✔': ['$\\surd$', 'v'],
  '✗': ['$\\times$', 'x'],
  '✘': ['$\\times$', 'x'],
  '©': ['\\textcopyright{}', '(c)'],
  '®': ['\\textregistered{}', '(R)'],
  '€': ['\\texteuro{}', 'EUR'],
  '£': ['\\textsterling{}', 'GBP'],
  '§': ['\\S{}', 'S'],
  '¶': ['\\P{}', 'P'],
  ß: ['\\ss{}', 'ss'],
  æ: ['\\ae{}', 'ae'],
  Æ: ['\\AE{}', 'AE'],
  ø: ['\\o{}', 'o'],
  Ø: ['\\O{}', 'O'],
  å: ['\\aa{}', 'a'],
  Å: ['\\AA{}', 'A'],
  œ: ['\\oe{}', 'oe'],
  Œ: ['\\OE{}', 'OE'],
  ł: ['\\l{}', 'l'],
  Ł: ['\\L{}', 'L'],
  '\u00a0': ['~', ' '],
  '\u2009': ['\\,', ' '],
  '\ufffd': ['\\textbf{?}', '?'],
};

/** Combining accents LaTeX can put on a base letter (after NFD decomposition). */
const ACCENTS: Record<string, string> = {
  '\u0300': '`',
  '\u0301': "'",
  '\u0302': '^',
  '\u0303': '~',
  '\u0308': '"',
  '\u0304': '=',
  '\u0307': '.',
  '\u030a': 'r',
  '\u030c': 'v',
  '\u0327': 'c',
  '\u0306': 'u',
  '\u030b': 'H',
};

/** `^X` notation for a control character (DEL → `^?`). */
export function caretNotation(ch: string): string {
  const c = ch.charCodeAt(0);
  return c === 0x7f ? '^?' : `^${String.fromCharCode(c + 64)}`;
}

/** A non-ASCII code point as text-mode LaTeX (or `null` when there is no mapping). */
function mapUnicodeText(ch: string): string {
  const known = UNICODE[ch];
  if (known) return known[0];
  const nfd = ch.normalize('NFD');
  if (nfd.length === 2 && /^[A-Za-z]$/.test(nfd[0]) && ACCENTS[nfd[1]]) {
    const base = nfd[0] === 'i' ? '\\i' : nfd[0];
    return `\\${ACCENTS[nfd[1]]}{${base}}`;
  }
  // Safe fallback: the code point in hex, in a box that compiles with any font.
  return `\\fbox{\\tiny U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`;
}

/** A non-ASCII code point as plain ASCII (for verbatim listings). */
export function asciiStandIn(ch: string): string {
  const known = UNICODE[ch];
  if (known) return known[1];
  const base = ch.normalize('NFD')[0];
  if (base && base.charCodeAt(0) < 128 && base.charCodeAt(0) >= 32) return base;
  return `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;
}

export interface TexEscapeOptions {
  /** Insert break points into tokens longer than this many characters (default 24; 0 = never). */
  breakLongTokens?: number;
}

/**
 * Escapes text for LaTeX text mode. `null`/`undefined` give ''. Newlines become `\newline{}`,
 * tabs and runs of spaces are kept (`~` for every space after the first), CR is dropped and
 * other control characters print as `^X`.
 */
export function texEscape(value: unknown, opts: TexEscapeOptions = {}): string {
  if (value === null || value === undefined) return '';
  const text = toText(value).replace(/\r\n/g, '\n').replace(/\t/g, '    ');
  const breakAt = opts.breakLongTokens ?? 24;
  let out = '';
  let prev = '';
  let run = 0; // length of the current run of non-space characters
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === ' ') {
      // After \newline a plain ~ would be discarded as glue at the start of a line: anchor it.
      out += prev === '\n' ? '\\mbox{}~' : prev === ' ' || prev === '' ? '~' : ' ';
      run = 0;
    } else if (ch === '\n') {
      out += '\\newline{}';
      run = 0;
    } else {
      if (breakAt > 0 && run > 0 && run % breakAt === 0) out += '\\allowbreak{}';
      run++;
      if (code < 32 || code === 0x7f) {
        const letter = caretNotation(ch).slice(1);
        out += ch === '\r' ? '' : `\\textasciicircum{}${SPECIAL[letter] ?? letter}`;
      } else if (code >= 0x80 && code <= 0x9f) out += `\\fbox{\\tiny U+${code.toString(16).toUpperCase().padStart(4, '0')}}`;
      else if (ch === '-') out += prev === '-' ? '{}-' : '-';
      else if (SPECIAL[ch]) out += SPECIAL[ch];
      else if (code < 128) out += ch;
      else out += mapUnicodeText(ch);
    }
    prev = ch;
  }
  return out;
}

/** The line that ends a listing; text containing it is broken with a space after `\end`. */
const END_LISTING = /\\end(\s*)\{(lstlisting)\}/g;

/**
 * Prepares text for the body of a `lstlisting` environment: non-ASCII → ASCII stand-ins,
 * tabs → 4 spaces, CR dropped, other control characters → `^X`, and any `\end{lstlisting}`
 * defused (shown as `\end {lstlisting}`) so the environment cannot be closed early.
 */
export function texVerbatim(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = toText(value).replace(/\r\n/g, '\n').replace(/\t/g, '    ');
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n') out += ch;
    else if (ch === '\r') continue;
    else if (code < 32 || code === 0x7f) out += caretNotation(ch);
    else if (code < 128) out += ch;
    else if (code <= 0x9f) out += `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
    else out += asciiStandIn(ch);
  }
  // listings breaks lines only between tokens: cut tokens longer than a line into line-sized pieces.
  out = out.replace(/\S{100,}/g, (tok) => tok.match(/.{1,96}/g)!.join('\n'));
  return out.replace(END_LISTING, (_m, sp: string, env: string) => `\\end ${sp}{${env}}`);
}
