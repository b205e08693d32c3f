import type { StepRecord } from '../generated/run-record.js';

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Points a graded step earned, from its record alone:
 * - 0 when the step did not finish (errored, skipped) or a precondition failed (the file was not
 *   a capture, the steps during a capture were not carried out): a precondition is no score;
 * - all of them when every check passed;
 * - otherwise 0, unless the step says `partial: true`: then the mean, over its scored checks, of
 *   each check's fraction (1 when passed); a failed check without parts makes it 0.
 */
export function earnedPoints(rec: Pick<StepRecord, 'points' | 'status' | 'checks' | 'partial'>): number {
  const max = rec.points ?? 0;
  if (rec.status !== 'passed' && rec.status !== 'failed') return 0;
  if (rec.checks.some((c) => c.precondition && !c.passed)) return 0;
  if (rec.status === 'passed') return max;
  if (!rec.partial) return 0;
  const scored = rec.checks.filter((c) => !c.precondition);
  if (scored.length === 0) return 0;
  const parts = scored.map((c) => (c.passed ? 1 : c.fraction));
  if (parts.some((p) => p === undefined)) return 0;
  return round((max * (parts as number[]).reduce((a, b) => a + b, 0)) / parts.length);
}

/**
 * Why a graded step that did not pass earned nothing, in one line for feedback (undefined when
 * the reason is plain from its checks: it errored, it has no fractional check, or it earned some).
 */
export function pointsNote(rec: Pick<StepRecord, 'points' | 'status' | 'checks' | 'partial'>): string | undefined {
  if (!rec.points || rec.status !== 'failed') return undefined;
  const unmet = rec.checks.find((c) => c.precondition && !c.passed);
  if (unmet) return `No points: a precondition was not met (${unmet.title}).`;
  if (!rec.partial && rec.checks.some((c) => !c.passed && (c.fraction ?? 0) > 0))
    return 'No points: this step gives its points only when every check passes (no partial credit).';
  return undefined;
}
