/** Parses a scenario duration (`2`, `0.5`, `250ms`, `5s`, `2m`) into milliseconds. */
export function durationMs(d: number | string | undefined, fallback: number): number;
export function durationMs(d: number | string | undefined, fallback?: undefined): number | undefined;
export function durationMs(d: number | string | undefined, fallback?: number): number | undefined {
  if (d === undefined) return fallback;
  if (typeof d === 'number') return d * 1000;
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}
