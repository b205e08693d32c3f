import { checksFraction } from '../interpreter/record.js';
import type { GradeRow } from './csv.js';

/** The class summary for the terminal: one line per submission, then the totals. */
export function summaryTable(rows: GradeRow[]): string {
  const sorted = [...rows].sort((a, b) => (a.submission < b.submission ? -1 : a.submission > b.submission ? 1 : 0));
  const w = Math.max(10, ...sorted.map((r) => r.submission.length));
  const out = [`${'submission'.padEnd(w)}  ${'score'.padStart(9)}  checks   note`];
  for (const { submission, grade } of sorted) {
    const note = grade.error ?? (grade.checks.find((c) => c.status !== 'passed')?.name ? `first miss: ${grade.checks.find((c) => c.status !== 'passed')!.name}` : '');
    out.push(`${submission.padEnd(w)}  ${`${grade.score}/${grade.maxScore}`.padStart(9)}  ${(grade.recordChecks ? checksFraction(grade.recordChecks) : '-').padEnd(7)}  ${note.split('\n')[0].slice(0, 60)}`);
  }
  const full = sorted.filter((r) => r.grade.score === r.grade.maxScore).length;
  const errs = sorted.filter((r) => r.grade.status === 'error').length;
  const mean = sorted.length ? sorted.reduce((a, r) => a + r.grade.score, 0) / sorted.length : 0;
  out.push(`${sorted.length} submissions · ${full} full marks · ${errs} not gradable · mean ${Math.round(mean * 100) / 100}`);
  return out.join('\n') + '\n';
}
