/**
 * Active learning's "next uncertain" step: which candidate region to show next, and how many of
 * the listed candidates were already reviewed.
 */

/** The region to review: a candidate candle and the time range shown (it and the two after it). */
export interface UncertainRegion {
  candleIndex: number;
  startTime: number;
  endTime: number;
}

export type NextRegion =
  | { kind: 'region'; region: UncertainRegion }
  | { kind: 'no-output'; message: string }
  | { kind: 'all-reviewed'; message: string };

/**
 * The most uncertain candidate not reviewed yet (`candidates` most uncertain first, as indices in
 * the dataset). `times` are the predicted candles' times, the first of them the dataset's candle
 * `firstIndex` (not 0 when only a range of a big dataset was predicted).
 */
export function nextUncertainRegion(
  candidates: readonly number[],
  reviewed: readonly number[],
  times: readonly number[],
  firstIndex = 0,
): NextRegion {
  if (!candidates.length || !times.length)
    return { kind: 'no-output', message: 'No per-candle model output yet: train or pick a model first.' };
  const done = new Set(reviewed);
  const next = candidates.find((i) => !done.has(i));
  if (next === undefined) return { kind: 'all-reviewed', message: 'Every uncertain region has been reviewed.' };
  const last = times.length - 1;
  return {
    kind: 'region',
    region: {
      candleIndex: next,
      startTime: times[Math.min(last, next - firstIndex)],
      endTime: times[Math.min(last, next - firstIndex + 2)],
    },
  };
}

/** Regions reviewed under another metric or skip setting stay stored but are not counted. */
export function reviewedAmong(candidates: readonly number[], reviewed: readonly number[]): number {
  const listed = new Set(candidates);
  return reviewed.filter((i) => listed.has(i)).length;
}
