import { checksFraction } from '../interpreter/record.js';
import type { GradeRow } from './csv.js';

/**
 * Text as one line of a terminal table: control characters (a newline, CR, tab, ESC, the C1
 * range) and the Unicode line and paragraph separators written as `\n`, `\r`, `\t`, `\xHH` or
 * `\uHHHH`, so a folder name can neither break its row nor send escape sequences to the terminal.
 */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** The class summary for the terminal: one line per submission, then the totals. */
export function summaryTable(rows: GradeRow[]): string {
  const sorted = [...rows].sort((a, b) => (a.submission < b.submission ? -1 : a.submission > b.submission ? 1 : 0));
  const names = new Map(sorted.map((r) => [r, oneLine(r.submission)]));
  const w = Math.max(10, ...[...names.values()].map((n) => n.length));
  const out = [`${'submission'.padEnd(w)}  ${'score'.padStart(9)}  checks   note`];
  for (const row of sorted) {
    const { grade } = row;
    const miss = grade.checks.find((c) => c.status !== 'passed')?.name;
    const note = grade.error ?? (miss ? `first miss: ${miss}` : '');
    out.push(
      `${names.get(row)!.padEnd(w)}  ${`${grade.score}/${grade.maxScore}`.padStart(9)}  ${(grade.recordChecks ? checksFraction(grade.recordChecks) : '-').padEnd(7)}  ${oneLine(note.split('\n')[0]).slice(0, 60)}`,
    );
  }
  const full = sorted.filter((r) => r.grade.score === r.grade.maxScore).length;
  const errs = sorted.filter((r) => r.grade.status === 'error').length;
  const mean = sorted.length ? sorted.reduce((a, r) => a + r.grade.score, 0) / sorted.length : 0;
  out.push(`${sorted.length} submissions · ${full} full marks · ${errs} not gradable · mean ${Math.round(mean * 100) / 100}`);
  return out.join('\n') + '\n';
}
