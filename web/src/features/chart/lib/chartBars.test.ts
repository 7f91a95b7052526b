import { describe, expect, it } from 'vitest';
import { barIndexAt, barRangeOf, timeRangeOfBars } from './chartBars';

// Three aggregated bars: [10..19], [20..29], [40..49] (a gap 30..39 without candles).
const bars = { time: [10, 20, 40], endTime: [19, 29, 49] };

describe('chart bar lookups', () => {
  it('barIndexAt finds the bar containing a time', () => {
    expect(barIndexAt(bars, 5)).toBe(-1);
    expect(barIndexAt(bars, 10)).toBe(0);
    expect(barIndexAt(bars, 25)).toBe(1);
    expect(barIndexAt(bars, 35)).toBe(1);
    expect(barIndexAt(bars, 99)).toBe(2);
  });

  it('barRangeOf maps spans onto bars, clipping to the data', () => {
    expect(barRangeOf(bars, 12, 15)).toEqual({ from: 0, to: 0 });
    expect(barRangeOf(bars, 15, 45)).toEqual({ from: 0, to: 2 });
    expect(barRangeOf(bars, 0, 12)).toEqual({ from: 0, to: 0 });
    expect(barRangeOf(bars, 45, 100)).toEqual({ from: 2, to: 2 });
  });

  it('barRangeOf is null outside the data or inside a gap', () => {
    expect(barRangeOf(bars, 0, 5)).toBeNull();
    expect(barRangeOf(bars, 50, 60)).toBeNull();
    expect(barRangeOf(bars, 31, 38)).toBeNull();
    expect(barRangeOf(bars, 31, 41)).toEqual({ from: 2, to: 2 });
  });

  it('timeRangeOfBars spans from the first bar start to the last bar end, dragged either way', () => {
    expect(timeRangeOfBars(bars, 2, 1)).toEqual({ start: 20, end: 49 });
    expect(timeRangeOfBars(bars, 0, 0)).toEqual({ start: 10, end: 19 });
  });
});
