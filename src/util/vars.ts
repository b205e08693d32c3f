/** Replaces `{{name}}` with the run's variables (`submission`, `dir`, `port` …); unknown ones stay. */
export function substitute(s: string, vars: Record<string, string>): string {
  return s.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => vars[k] ?? m);
}
