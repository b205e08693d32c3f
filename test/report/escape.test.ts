import { describe, expect, it } from 'vitest';
import { texEscape, texVerbatim } from '../../src/report/escape-tex.js';
import { mdCell, mdCellCode, mdCode, mdEscape, mdFence } from '../../src/report/escape-md.js';
import { splitRow } from './md-tables.js';

describe('texEscape', () => {
  it('escapes every LaTeX special character', () => {
    expect(texEscape('# $ % & ~ _ ^ \\ { } [ ] < > | \' "')).toBe(
      '\\# \\$ \\% \\& \\textasciitilde{} \\_ \\textasciicircum{} \\textbackslash{} \\{ \\} {[} {]} \\textless{} \\textgreater{} \\textbar{} \\textquotesingle{} \\textquotedbl{}',
    );
  });
  it('splits hyphen runs so no -- or --- ligature forms', () => {
    expect(texEscape('nc --listen ---')).toBe('nc -{}-listen -{}-{}-');
  });
  it('keeps runs of spaces (Wireshark ICMP Info)', () => {
    expect(texEscape('request  id=1')).toBe('request ~id=1');
    expect(texEscape('reply    id')).toBe('reply ~~~id');
    expect(texEscape(' lead')).toBe('~lead');
  });
  it('maps non-ASCII: arrows, accents, and a boxed code point otherwise', () => {
    expect(texEscape('57144 → 7')).toBe('57144 \\textrightarrow{} 7');
    expect(texEscape('é ü')).toBe('\\\'{e} \\"{u}');
    expect(texEscape('日')).toBe('\\fbox{\\tiny U+65E5}');
    expect(texEscape('😀')).toBe('\\fbox{\\tiny U+1F600}');
  });
  it('shows control characters as ^X (escaped) and drops CR', () => {
    expect(texEscape('a\u0007b\u001bc\rd')).toBe('a\\textasciicircum{}Gb\\textasciicircum{}{[}cd');
  });
  it('turns newlines into \\newline and offers breaks in long tokens', () => {
    expect(texEscape('a\nb')).toBe('a\\newline{}b');
    expect(texEscape('A'.repeat(10), { breakLongTokens: 4 })).toBe('AAAA\\allowbreak{}AAAA\\allowbreak{}AA');
  });
  it('gives empty text for null and undefined', () => {
    expect(texEscape(null)).toBe('');
    expect(texEscape(undefined)).toBe('');
    expect(texEscape(42)).toBe('42');
  });
});

describe('texVerbatim', () => {
  it('defuses the end of the listing environment', () => {
    const v = texVerbatim('x\n\\end{lstlisting}\ny');
    expect(v).not.toContain('\\end{lstlisting}');
    expect(v).toBe('x\n\\end {lstlisting}\ny');
  });
  it('keeps LaTeX specials and -- as they are, maps non-ASCII to ASCII', () => {
    expect(texVerbatim('# $ % --listen {x}')).toBe('# $ % --listen {x}');
    expect(texVerbatim('a → b … é 日')).toBe('a -> b ... e <U+65E5>');
  });
  it('shows control characters as ^X, expands tabs, drops CR', () => {
    expect(texVerbatim('a\u0000b\tc\r\n')).toBe('a^@b    c\n');
  });
  it('cuts tokens longer than a line', () => {
    const lines = texVerbatim('B'.repeat(200)).split('\n');
    expect(lines.map((l) => l.length)).toEqual([96, 96, 8]);
  });
});

describe('markdown escaping', () => {
  it('mdCell never leaves an unescaped pipe or a newline', () => {
    const cell = mdCell('a|b\\|c\nd');
    expect(cell).not.toContain('\n');
    expect(splitRow(`| ${cell} |`)).toHaveLength(1);
    expect(cell).toBe('a\\|b\\\\\\|c<br>d');
  });
  it('escapes markup characters and line-start markers', () => {
    expect(mdEscape('*a* _b_ `c` [d](e) <f>')).toBe('\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\<f>');
    expect(mdEscape('# h\n- l\n1. o\n> q')).toBe('\\# h\\\n\\- l\\\n1\\. o\\\n\\> q');
  });
  it('code spans use a fence longer than any backtick run', () => {
    expect(mdCode('a``b')).toBe('```a``b```');
    expect(mdCode('`x`')).toBe('`` `x` ``');
  });
  it('code spans in cells escape pipes and split lines', () => {
    expect(mdCellCode('a|b\nc')).toBe('`a\\|b`<br>`c`');
    expect(splitRow(`| ${mdCellCode('x \\| y')} |`)).toHaveLength(1);
  });
  it('fenced blocks outlast backtick runs in the content', () => {
    expect(mdFence('```\ncode\n````')).toBe('`````\n```\ncode\n````\n`````');
    expect(mdFence('plain')).toBe('```\nplain\n```');
  });
  it('shows control characters as ^X', () => {
    expect(mdCell('a\u0007b\u007f')).toBe('a^Gb^?');
  });
});
