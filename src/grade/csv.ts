import type { Grade } from './grades.js';

/** One field of RFC 4180 CSV: quoted when it holds a comma, quote, CR or LF. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
  const lines = [['submission', 'score', 'max', 'status', ...columns]];
  for (const r of sorted) {
    const by = new Map(r.grade.checks.map((c) => [c.name, c.score]));
    lines.push([r.submission, String(r.grade.score), String(r.grade.maxScore), r.grade.status === 'error' ? `error: ${r.grade.error ?? ''}` : 'graded', ...columns.map((c) => (by.has(c) ? String(by.get(c)) : ''))]);
  }
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}
