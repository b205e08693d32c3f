/**
 * Markdown (CommonMark + GFM tables) escaping for text from a run record.
 *
 * - `mdEscape`: inline text in a paragraph or heading. Backslash-escapes every character that
 *   can start markup anywhere, and the ones that only matter at the start of a line.
 * - `mdCell`: text inside a GFM table cell: as `mdEscape`, newlines → `<br>`, `|` → `\|`.
 * - `mdCellCode`: a code span inside a table cell (`|` still written `\|`, per GFM).
 * - `mdFence`: a fenced code block whose fence is longer than any backtick run in the content.
 */
import { toText } from '../util/text.js';

/** Characters escaped wherever they appear (all ASCII punctuation that can open or close markup). */
const INLINE_SPECIALS = /[\\`*_[\]<|~&]/g;

/** Control characters other than newline and tab, shown as `^X`. */
function visibleControls(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\t/g, '    ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (ch) =>
      ch === '\r' ? '' : ch === '\u007f' ? '^?' : `^${String.fromCharCode(ch.charCodeAt(0) + 64)}`,
    );
}

function escapeLine(line: string, lineStart = true): string {
  let s = line.replace(INLINE_SPECIALS, (c) => `\\${c}`);
  if (!lineStart) return s.replace(/ {2,}/g, (m) => ` ${'&nbsp;'.repeat(m.length - 1)}`);
  // Start-of-line markup: list markers, headings (already escaped), block quotes (> escaped),
  // ordered lists ("1." / "1)"), setext underlines and thematic breaks (= - +).
  s = s.replace(/^(\s*)([-+=>#])/, '$1\\$2').replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
  // Leading spaces would make an indented code block: drop them; keep inner runs visible.
  s = s.replace(/^ +/, '').replace(/ {2,}/g, (m) => ` ${'&nbsp;'.repeat(m.length - 1)}`);
  return s;
}

/** Escapes text for a Markdown paragraph; newlines become hard line breaks. */
export function mdEscape(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Trailing newlines (YAML block scalars end in one) would become a stray hard break.
  return visibleControls(toText(value).replace(/\n+$/, ''))
    .split('\n')
    .map((l) => escapeLine(l))
    .join('\\\n');
}

/** Escapes text for one GFM table cell: never contains a raw `|` or newline. */
export function mdCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const lines = visibleControls(toText(value))
    .split('\n')
    .map((l) => escapeLine(l, false));
  const joined = lines.join('<br>').trim();
  return joined === '' ? ' ' : joined;
}

/** The longest run of backticks in a string. */
export function longestBacktickRun(text: string): number {
  let best = 0;
  for (const m of text.matchAll(/`+/g)) best = Math.max(best, m[0].length);
  return best;
}

/** A code span whose delimiter is longer than any backtick run inside. */
function codeSpan(text: string): string {
  if (text === '') return '';
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Inline code span (outside tables). Newlines become spaces. */
export function mdCode(value: unknown): string {
  if (value === null || value === undefined) return '';
  return codeSpan(visibleControls(toText(value)).replace(/\n/g, ' '));
}

/** Code span(s) in a GFM table cell: `|` → `\|`, one span per line joined with `<br>`. */
export function mdCellCode(value: unknown): string {
  if (value === null || value === undefined) return ' ';
  const spans = visibleControls(toText(value))
    .split('\n')
    // A backslash right before a pipe would escape the escape: show such a line as <code> text.
    .map((line) => (line.includes('\\|') ? `<code>${escapeLine(line, false)}</code>` : codeSpan(line.replace(/\|/g, '\\|'))));
  const joined = spans.filter((s) => s !== '').join('<br>');
  return joined === '' ? ' ' : joined;
}

/** A fenced code block (fence longer than the longest backtick run, min 3). */
export function mdFence(value: unknown, info = ''): string {
  const text = value === null || value === undefined ? '' : visibleControls(toText(value)).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}
