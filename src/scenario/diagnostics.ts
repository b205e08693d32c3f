/** A problem found in a scenario, located in its file. Printed as `FILE:LINE:COL: CODE message`. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  code: string;
  message: string;
  /** A warning does not stop a run; without it the diagnostic is an error. */
  severity?: 'warning';
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.code} ${d.message}`;
}

/** A warning at the place of diagnostic `d`. */
export function asWarning(d: Diagnostic): Diagnostic {
  return { ...d, severity: 'warning' };
}

export const isError = (d: Diagnostic): boolean => d.severity !== 'warning';

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

export { closest, didYouMean } from '../util/did-you-mean.js';

export function quoteList(items: Iterable<string>): string {
  return [...items].map((s) => `"${s}"`).join(', ');
}

/** At most this many problems are reported per file (then one line saying how many were not looked for). */
export const MAX_PROBLEMS = 1000;
