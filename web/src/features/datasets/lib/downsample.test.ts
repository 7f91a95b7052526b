import { describe, expect, it } from 'vitest';
import { aggregateOhlc, bucketSizeFor } from './downsample';

const rows = {
  time: [10, 20, 30, 40, 50, 60, 70],
  open: [1, 2, 3, 4, 5, 6, 7],
  high: [2, 5, 4, 9, 6, 7, 8],
  low: [0.5, 1.5, 2.5, 3.5, 0.1, 5.5, 6.5],
  close: [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5],
  volume: [10, 20, 30, 40, 50, 60, 70],
};

describe('bucketSizeFor', () => {
  it('is 1 within the budget and the ceiling ratio beyond it', () => {
    expect(bucketSizeFor(100, 100)).toBe(1);
    expect(bucketSizeFor(101, 100)).toBe(2);
    expect(bucketSizeFor(100_000, 2000)).toBe(50);
  });
});

describe('aggregateOhlc', () => {
  it('returns raw columns for bucket size 1', () => {
    const out = aggregateOhlc(rows, 1);
    expect(out.time).toEqual(rows.time);
    expect(out.endTime).toBeUndefined();
  });

  it('aggregates open first, high max, low min, close last, volume sum', () => {
    const out = aggregateOhlc(rows, 3);
    expect(out.time).toEqual([10, 40, 70]);
    expect(out.endTime).toEqual([30, 60, 70]);
    expect(out.open).toEqual([1, 4, 7]);
    expect(out.high).toEqual([5, 9, 8]);
    expect(out.low).toEqual([0.5, 0.1, 6.5]);
    expect(out.close).toEqual([3.5, 6.5, 7.5]);
    expect(out.volume).toEqual([60, 150, 70]);
  });

  it('aligns buckets to the index in the whole series', () => {
    // rows[0] is candle #2 of the dataset: the first bucket holds #2 only (buckets are #0-2, #3-5, #6-8).
    const out = aggregateOhlc(rows, 3, 2);
    expect(out.time).toEqual([10, 20, 50]);
    expect(out.endTime).toEqual([10, 40, 70]);
    expect(out.volume).toEqual([10, 90, 180]);
  });
});
