import type { Grade } from './grades.js';

/**
 * Text cells a spreadsheet would read as a formula (OWASP "CSV injection"): starting with `=`,
 * `+`, `-`, `@`, a tab or a CR, or their full-width forms, which some spreadsheets also take.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * One field of RFC 4180 CSV: quoted when it holds a comma, quote, CR or LF. A text cell that a
 * spreadsheet would run as a formula (`=HYPERLINK(...)`, `+SUM(1+1)`, `-1+2`, `@cmd`) is written
 * as text: prefixed with `'` and quoted, as OWASP recommends. Numbers are written as numbers.
 */
export function csvField(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const s = FORMULA_START.test(v) ? `'${v}` : v;
  return s !== v || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A submission's row source. */
export interface GradeRow {
  submission: string;
  grade: Grade;
}

/**
 * grades.csv: `submission,score,max,status,<one column per check>` with CRLF line ends
 * (RFC 4180). Check columns are the union of check names in first-seen order; rows are sorted
 * by submission name, so shards merged give the same file as one run.
 */
export function gradesCsv(rows: GradeRow[]): string {
  const columns: string[] = [];
  for (const r of rows) for (const c of r.grade.checks) if (!columns.includes(c.name)) columns.push(c.name);
  const sorted = [...rows].sort((a, b) => (a.submission < b.submission ? -1 : a.submission > b.submission ? 1 : 0));
  const lines: (string | number)[][] = [['submission', 'score', 'max', 'status', ...columns]];
  for (const r of sorted) {
    const by = new Map(r.grade.checks.map((c) => [c.name, c.score]));
    lines.push([
      r.submission,
      r.grade.score,
      r.grade.maxScore,
      r.grade.status === 'error' ? `error: ${r.grade.error ?? ''}` : 'graded',
      ...columns.map((c) => by.get(c) ?? ''),
    ]);
  }
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}
