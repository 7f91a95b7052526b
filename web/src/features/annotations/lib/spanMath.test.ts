import { describe, expect, it } from 'vitest';
import {
  arrayClock,
  lowerBound,
  moveEdge,
  orderedRange,
  rangesOverlap,
  snapToCandles,
  sortSpans,
  sourceAfterHumanEdit,
  subtractRange,
  upperBound,
} from './spanMath';
import type { Annotation } from '../types';

// Daily candles with a weekend gap: 1..5, then 8..12 (in "days"; any increasing numbers work).
const times = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12];
const clock = arrayClock(times);

describe('binary search', () => {
  it('lowerBound / upperBound', () => {
    expect(lowerBound(times, 5)).toBe(4);
    expect(lowerBound(times, 6)).toBe(5);
    expect(upperBound(times, 5)).toBe(5);
    expect(lowerBound(times, 0)).toBe(0);
    expect(upperBound(times, 99)).toBe(times.length);
  });
});

describe('arrayClock', () => {
  it('finds neighbouring candles across gaps', () => {
    expect(clock.atOrAfter(6)).toBe(8);
    expect(clock.atOrBefore(6)).toBe(5);
    expect(clock.before(8)).toBe(5);
    expect(clock.after(5)).toBe(8);
    expect(clock.before(1)).toBeNull();
    expect(clock.after(12)).toBeNull();
    expect(clock.atOrAfter(13)).toBeNull();
  });
});

describe('snapToCandles', () => {
  it('shrinks a range to the candles inside it', () => {
    expect(snapToCandles({ start: 0, end: 6 }, clock)).toEqual({ start: 1, end: 5 });
    expect(snapToCandles({ start: 4.5, end: 8 }, clock)).toEqual({ start: 5, end: 8 });
  });
  it('is null when no candle is inside', () => {
    expect(snapToCandles({ start: 6, end: 7 }, clock)).toBeNull();
    expect(snapToCandles({ start: 20, end: 30 }, clock)).toBeNull();
  });
});

describe('orderedRange / rangesOverlap', () => {
  it('orders a right-to-left drag', () => {
    expect(orderedRange(9, 3)).toEqual({ start: 3, end: 9 });
  });
  it('inclusive ends touch', () => {
    expect(rangesOverlap({ start: 1, end: 3 }, { start: 3, end: 5 })).toBe(true);
    expect(rangesOverlap({ start: 1, end: 3 }, { start: 4, end: 5 })).toBe(false);
  });
});

describe('subtractRange (overlap policy "split")', () => {
  it('leaves a non-overlapping span alone', () => {
    expect(subtractRange({ start: 1, end: 3 }, { start: 8, end: 9 }, clock)).toEqual([{ start: 1, end: 3 }]);
  });
  it('trims the right end', () => {
    expect(subtractRange({ start: 1, end: 5 }, { start: 4, end: 9 }, clock)).toEqual([{ start: 1, end: 3 }]);
  });
  it('trims the left end, jumping the weekend gap', () => {
    expect(subtractRange({ start: 4, end: 11 }, { start: 1, end: 5 }, clock)).toEqual([{ start: 8, end: 11 }]);
  });
  it('splits in two when the cut is strictly inside', () => {
    expect(subtractRange({ start: 1, end: 12 }, { start: 5, end: 8 }, clock)).toEqual([
      { start: 1, end: 4 },
      { start: 9, end: 12 },
    ]);
  });
  it('removes a span that is fully covered', () => {
    expect(subtractRange({ start: 3, end: 4 }, { start: 2, end: 5 }, clock)).toEqual([]);
    expect(subtractRange({ start: 3, end: 4 }, { start: 3, end: 4 }, clock)).toEqual([]);
  });
});

describe('moveEdge', () => {
  it('moves either edge and never inverts the span', () => {
    expect(moveEdge({ start: 3, end: 8 }, 'start', 1)).toEqual({ start: 1, end: 8 });
    expect(moveEdge({ start: 3, end: 8 }, 'end', 11)).toEqual({ start: 3, end: 11 });
    expect(moveEdge({ start: 3, end: 8 }, 'start', 10)).toEqual({ start: 8, end: 8 });
    expect(moveEdge({ start: 3, end: 8 }, 'end', 1)).toEqual({ start: 3, end: 3 });
  });
});

describe('sourceAfterHumanEdit', () => {
  it('talib becomes human, model-confirmed becomes model-corrected', () => {
    expect(sourceAfterHumanEdit('talib')).toBe('human');
    expect(sourceAfterHumanEdit('model-confirmed')).toBe('model-corrected');
    expect(sourceAfterHumanEdit('human')).toBe('human');
    expect(sourceAfterHumanEdit('model-corrected')).toBe('model-corrected');
  });
});

describe('sortSpans', () => {
  const span = (id: string, labelId: number, start: number, end: number, updatedAt: number): Annotation => ({
    id,
    datasetId: 1,
    labelId,
    start,
    end,
    kind: 'positive',
    source: 'human',
    annotator: 'a',
    direction: null,
    note: null,
    version: 1,
    createdAt: 0,
    updatedAt,
  });
  const spans = [span('a', 2, 5, 6, 30), span('b', 1, 1, 9, 10), span('c', 3, 3, 3, 20)];
  const names = new Map([
    [1, 'doji'],
    [2, 'hammer'],
    [3, 'bull flag'],
  ]);
  const name = (id: number) => names.get(id)!;
  it('by start, label, length, updated; ascending and descending', () => {
    expect(sortSpans(spans, 'start', false, name).map((s) => s.id)).toEqual(['b', 'c', 'a']);
    expect(sortSpans(spans, 'start', true, name).map((s) => s.id)).toEqual(['a', 'c', 'b']);
    expect(sortSpans(spans, 'label', false, name).map((s) => s.id)).toEqual(['c', 'b', 'a']);
    expect(sortSpans(spans, 'length', true, name).map((s) => s.id)).toEqual(['b', 'a', 'c']);
    expect(sortSpans(spans, 'updated', false, name).map((s) => s.id)).toEqual(['b', 'c', 'a']);
  });
});
