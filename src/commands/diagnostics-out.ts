import { formatDiagnostic, type Diagnostic } from '../scenario/diagnostics.js';

export function printDiagnostics(ds: Diagnostic[]): void {
  for (const d of ds) process.stderr.write(`${formatDiagnostic(d)}\n`);
  process.stderr.write(`${ds.length} problem${ds.length === 1 ? '' : 's'} found; nothing was run.\n`);
}
