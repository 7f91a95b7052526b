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
 * Runs of consecutive candles, as columns: a raw candle is a run of one (endTime = time); the
 * stored levels (server/candleLevels.ts) hold runs of 16, 256, 4096 candles.
 */
export interface CandleRuns extends CandleRows {
  endTime: ArrayLike<number>;
  /** Index in the whole dataset of each run's first candle. */
  firstIndex: ArrayLike<number>;
}

/**
 * OHLC aggregation of runs into buckets of `bucketSize` candles aligned to the index in the whole
 * dataset (bucket k holds candles k·bucketSize … (k+1)·bucketSize − 1): open of the first, high
 * max, low min, close of the last, volume sum; time = first candle's time, endTime = last
 * candle's time. A run must not straddle a bucket boundary (runs of L candles aligned to
 * multiples of L, with bucketSize a multiple of L).
 */
export function aggregateRuns(runs: CandleRuns, bucketSize: number): Required<CandleColumnsJson> {
  const out: Required<CandleColumnsJson> = {
    time: [],
    endTime: [],
    open: [],
    high: [],
    low: [],
    close: [],
    volume: [],
  };
  const n = runs.time.length;
  let i = 0;
  while (i < n) {
    const bucket = Math.floor(runs.firstIndex[i] / bucketSize);
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let j = i;
    for (; j < n && Math.floor(runs.firstIndex[j] / bucketSize) === bucket; j++) {
      if (runs.high[j] > high) high = runs.high[j];
      if (runs.low[j] < low) low = runs.low[j];
      volume += runs.volume[j];
    }
    out.time.push(runs.time[i]);
    out.endTime.push(runs.endTime[j - 1]);
    out.open.push(runs.open[i]);
    out.high.push(high);
    out.low.push(low);
    out.close.push(runs.close[j - 1]);
    out.volume.push(volume);
    i = j;
  }
  return out;
}

/**
 * OHLC aggregation of consecutive candles in buckets of `bucketSize` (see aggregateRuns), aligned
 * to `offset` (the index of rows[0] in the whole series, so buckets are stable across range
 * queries). Bucket size 1 returns the candles as they are.
 */
export function aggregateOhlc(rows: CandleRows, bucketSize: number, offset = 0): CandleColumnsJson {
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
  const firstIndex = new Float64Array(rows.time.length);
  for (let i = 0; i < firstIndex.length; i++) firstIndex[i] = offset + i;
  return aggregateRuns({ ...rows, endTime: rows.time, firstIndex }, bucketSize);
}
