/** A duration for people: `350 ms` below a second, `1.25 s` from one second up. */
export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
