import type { CandleColumnsJson } from '../types';

export interface CandleRows {
  time: ArrayLike<number>;
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  volume: ArrayLike<number>;
}

/** Bucket size that keeps `total` candles within `maxPoints` points. */
export function bucketSizeFor(total: number, maxPoints: number): number {
  if (total <= maxPoints) return 1;
  return Math.ceil(total / maxPoints);
}

/**
 * OHLC aggregation of consecutive candles in buckets of `bucketSize`, aligned to `offset`
 * (the index of rows[0] in the whole series, so buckets are stable across range queries):
 * open of the first, high max, low min, close of the last, volume sum; time = first candle's
 * time, endTime = last candle's time.
 */
export function aggregateOhlc(rows: CandleRows, bucketSize: number, offset = 0): CandleColumnsJson {
  const n = rows.time.length;
  if (bucketSize <= 1) {
    return {
      time: Array.from(rows.time),
      open: Array.from(rows.open),
      high: Array.from(rows.high),
      low: Array.from(rows.low),
      close: Array.from(rows.close),
      volume: Array.from(rows.volume),
    };
  }
  const out: Required<CandleColumnsJson> = { time: [], endTime: [], open: [], high: [], low: [], close: [], volume: [] };
  let i = 0;
  while (i < n) {
    const bucketEnd = Math.min(n, i + bucketSize - ((offset + i) % bucketSize));
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let j = i; j < bucketEnd; j++) {
      if (rows.high[j] > high) high = rows.high[j];
      if (rows.low[j] < low) low = rows.low[j];
      volume += rows.volume[j];
    }
    out.time.push(rows.time[i]);
    out.endTime.push(rows.time[bucketEnd - 1]);
    out.open.push(rows.open[i]);
    out.high.push(high);
    out.low.push(low);
    out.close.push(rows.close[bucketEnd - 1]);
    out.volume.push(volume);
    i = bucketEnd;
  }
  return out;
}
