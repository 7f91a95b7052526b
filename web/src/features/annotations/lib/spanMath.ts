import type { Annotation, Source } from '../types';
import type { CandleClock } from '@/features/datasets';
import { lowerBound, upperBound } from '@/shared/sortedSearch';

export type { CandleClock };

export interface TimeRange {
  start: number;
  end: number;
}

// The binary searches live in '@/shared/sortedSearch' (the candle store uses them too).
export { lowerBound, upperBound };

/** A clock over a sorted array of candle times. */
export function arrayClock(times: ArrayLike<number>): CandleClock {
  return {
    atOrAfter: (t) => {
      const i = lowerBound(times, t);
      return i < times.length ? times[i] : null;
    },
    atOrBefore: (t) => {
      const i = upperBound(times, t) - 1;
      return i >= 0 ? times[i] : null;
    },
    before: (t) => {
      const i = lowerBound(times, t) - 1;
      return i >= 0 ? times[i] : null;
    },
    after: (t) => {
      const i = upperBound(times, t);
      return i < times.length ? times[i] : null;
    },
  };
}

/** The range ordered, whichever way it was dragged. */
export function orderedRange(a: number, b: number): TimeRange {
  return a <= b ? { start: a, end: b } : { start: b, end: a };
}

/** Inclusive ranges share at least one instant. */
export function rangesOverlap(a: TimeRange, b: TimeRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** The range shrunk to the candles inside it (first candle >= start, last <= end), or null if it holds none. */
export function snapToCandles(range: TimeRange, clock: CandleClock): TimeRange | null {
  const start = clock.atOrAfter(range.start);
  const end = clock.atOrBefore(range.end);
  if (start === null || end === null || start > end) return null;
  return { start, end };
}

/**
 * What is left of `old` once `cut` is taken out, in whole candles: nothing (cut covers it), one
 * piece (cut overlaps one end), or two pieces (cut is strictly inside).
 */
export function subtractRange(old: TimeRange, cut: TimeRange, clock: CandleClock): TimeRange[] {
  if (!rangesOverlap(old, cut)) return [{ ...old }];
  const pieces: TimeRange[] = [];
  if (old.start < cut.start) {
    const leftEnd = clock.before(cut.start);
    if (leftEnd !== null && leftEnd >= old.start) pieces.push({ start: old.start, end: leftEnd });
  }
  if (old.end > cut.end) {
    const rightStart = clock.after(cut.end);
    if (rightStart !== null && rightStart <= old.end) pieces.push({ start: rightStart, end: old.end });
  }
  return pieces;
}

/** A span with one edge moved to `time`; an edge dragged past the other collapses to one candle. */
export function moveEdge(range: TimeRange, edge: 'start' | 'end', time: number): TimeRange {
  if (edge === 'start') return { start: Math.min(time, range.end), end: range.end };
  return { start: range.start, end: Math.max(time, range.start) };
}

/**
 * The source a span gets when a person changes its range or label: a TA-Lib span they fix becomes
 * their own (human); a confirmed model prediction they change becomes model-corrected.
 */
export function sourceAfterHumanEdit(source: Source): Source {
  switch (source) {
    case 'talib':
      return 'human';
    case 'model-confirmed':
      return 'model-corrected';
    default:
      return source;
  }
}

export type SpanSortKey = 'start' | 'label' | 'source' | 'updated' | 'length';

export function sortSpans<T extends Annotation>(
  spans: readonly T[],
  key: SpanSortKey,
  descending: boolean,
  labelName: (id: number) => string,
): T[] {
  const dir = descending ? -1 : 1;
  const cmp = (a: T, b: T): number => {
    switch (key) {
      case 'label':
        return labelName(a.labelId).localeCompare(labelName(b.labelId)) || a.start - b.start;
      case 'source':
        return a.source.localeCompare(b.source) || a.start - b.start;
      case 'updated':
        return a.updatedAt - b.updatedAt || a.start - b.start;
      case 'length':
        return a.end - a.start - (b.end - b.start) || a.start - b.start;
      default:
        return a.start - b.start || a.end - b.end;
    }
  };
  return [...spans].sort((a, b) => dir * cmp(a, b));
}
