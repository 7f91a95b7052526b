import { describe, expect, it } from 'vitest';
import { barIndexAt, barRangeOf, barReadout, timeRangeOfBars } from './chartBars';

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

describe('barReadout', () => {
  const full = {
    time: [10, 20],
    endTime: [19, 29],
    size: [1, 1],
    open: [1, 2],
    high: [3, 4],
    low: [0.5, 1.5],
    close: [2, 3],
    volume: [100, 200],
  };
  it('reads one bar with its change from the previous close', () => {
    expect(barReadout(full, 1)).toEqual({
      index: 1,
      time: 20,
      endTime: 29,
      size: 1,
      open: 2,
      high: 4,
      low: 1.5,
      close: 3,
      volume: 200,
      changePct: 50,
    });
    expect(barReadout(full, 0)?.changePct).toBeNull();
  });
  it('is null outside the data', () => {
    expect(barReadout(full, 2)).toBeNull();
    expect(barReadout(full, -1)).toBeNull();
  });
});
