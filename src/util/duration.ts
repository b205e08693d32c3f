/**
 * The longest duration a scenario may give (a step's or the run's timeout, `within:`, …): 24 h.
 * Node's timers hold at most 2^31-1 ms (about 24.8 days) and fire at once past it, so a
 * larger value would end the wait immediately instead of never.
 */
export const MAX_DURATION_MS = 24 * 60 * 60_000;

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

/** Past this many seconds a number without a unit is likely meant as something else (`within: 2000` for 2000 ms). */
export const UNITLESS_WARN_S = 60;

/** A warning for a unit-less duration over a minute (`2000` reads as 2000 seconds), or undefined. */
export function durationWarning(d: number | string): string | undefined {
  if (typeof d !== 'number' || d <= UNITLESS_WARN_S) return undefined;
  const m = Math.floor(d / 60);
  const s = Math.round((d - m * 60) * 1000) / 1000;
  return `${d} has no unit, so it is read as ${d} seconds (${m} min${s ? ` ${s} s` : ''}); write "${d}ms" for milliseconds, or "${d}s" to keep seconds and silence this warning`;
}

/** What is wrong with a (schema-valid) duration, or undefined when it is within MAX_DURATION_MS. */
export function durationProblem(d: number | string): string | undefined {
  const ms = durationMs(d);
  if (ms !== undefined && ms <= MAX_DURATION_MS) return undefined;
  return `duration ${typeof d === 'number' ? `${d} (seconds)` : `"${d}"`} is longer than the maximum of 24h; give at most 86400 (seconds), "86400s" or "1440m"`;
}
