import { describe, expect, it } from 'vitest';
import type { ChartBars } from './chartBars';
import { alignToBuckets, mergeDetail } from './candleFeed';

function bars(times: number[], width: number): ChartBars {
  return {
    time: times,
    endTime: times.map((t) => t + width - 1),
    size: times.map(() => width),
    open: times.map((t) => t),
    high: times.map((t) => t + 1),
    low: times.map((t) => t - 1),
    close: times.map((t) => t + 0.5),
    volume: times.map(() => 1),
  };
}

describe('level-of-detail merging', () => {
  // Overview buckets of 10 candles: 0-9, 10-19, …, 90-99.
  const overview = bars([0, 10, 20, 30, 40, 50, 60, 70, 80, 90], 10);

  it('splices raw candles in place of the buckets they cover', () => {
    const detail = bars([30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49], 1);
    const merged = mergeDetail(overview, detail);
    expect(merged.time).toEqual([0, 10, 20, ...detail.time, 50, 60, 70, 80, 90]);
    expect(merged.size.slice(0, 4)).toEqual([10, 10, 10, 1]);
    // Strictly increasing, as the chart requires.
    expect(merged.time.every((t, i) => i === 0 || t > merged.time[i - 1])).toBe(true);
  });

  it('drops overview buckets straddling the window', () => {
    const detail = bars([35, 36, 37, 38, 39, 40, 41, 42], 1);
    const merged = mergeDetail(overview, detail);
    expect(merged.time).toEqual([0, 10, 20, 35, 36, 37, 38, 39, 40, 41, 42, 50, 60, 70, 80, 90]);
  });

  it('aligns a window to whole buckets', () => {
    expect(alignToBuckets(overview, 33, 57)).toEqual({ from: 30, to: 59 });
    expect(alignToBuckets(overview, -100, 1000)).toEqual({ from: 0, to: 99 });
  });
});
