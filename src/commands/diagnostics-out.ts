import { formatDiagnostic, isError, type Diagnostic } from '../scenario/diagnostics.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Problems (and warnings) of scenarios that will not run. */
export function printDiagnostics(ds: Diagnostic[]): void {
  for (const d of ds) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const errors = ds.filter(isError).length;
  const warnings = ds.length - errors;
  process.stderr.write(`${plural(errors, 'problem')}${warnings ? ` and ${plural(warnings, 'warning')}` : ''} found; nothing was run.\n`);
}

/** Warnings of a scenario that is valid and runs all the same. */
export function printWarnings(ds: readonly Diagnostic[]): void {
  for (const d of ds) process.stderr.write(`${formatDiagnostic(d)}\n`);
}
