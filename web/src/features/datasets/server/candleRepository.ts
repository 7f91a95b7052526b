import 'server-only';
import type { Db } from '@/server/db/database';
import type { CandleColumns } from '@/server/engine';
import type { CandleClock } from '@/features/annotations/lib/spanMath';
import { aggregateOhlc, bucketSizeFor } from '../lib/downsample';
import type { CandleQueryResult } from '../types';

const MIN_TIME = Number.MIN_SAFE_INTEGER;
const MAX_TIME = Number.MAX_SAFE_INTEGER;

export function insertCandles(db: Db, datasetId: number, candles: CandleColumns): void {
  const insert = db.prepare('INSERT INTO candles (dataset_id, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const { time, open, high, low, close, volume } = candles;
  for (let i = 0; i < time.length; i++) insert.run(datasetId, time[i], open[i], high[i], low[i], close[i], volume[i]);
}

/**
 * Candles with time in [from, to]; when more than maxPoints, aggregated (OHLC) into buckets
 * aligned to the candle's index in the whole dataset, so the same bucket looks the same in every query.
 */
export function queryCandles(db: Db, datasetId: number, q: { from?: number; to?: number; maxPoints: number }): CandleQueryResult {
  const from = q.from ?? MIN_TIME;
  const to = q.to ?? MAX_TIME;
  const total = (db.prepare('SELECT COUNT(*) AS n FROM candles WHERE dataset_id = ? AND time BETWEEN ? AND ?').get(datasetId, from, to) as { n: number }).n;
  const bucketSize = bucketSizeFor(total, q.maxPoints);
  const offset =
    bucketSize > 1 ? (db.prepare('SELECT COUNT(*) AS n FROM candles WHERE dataset_id = ? AND time < ?').get(datasetId, from) as { n: number }).n : 0;
  const rows = db
    .prepare('SELECT time, open, high, low, close, volume FROM candles WHERE dataset_id = ? AND time BETWEEN ? AND ? ORDER BY time')
    .raw()
    .all(datasetId, from, to) as number[][];
  return { datasetId, total, bucketSize, candles: aggregateOhlc(rowsToColumns(rows), bucketSize, offset) };
}

/** `[time, open, high, low, close, volume]` rows as engine columns. */
function rowsToColumns(rows: number[][]): CandleColumns {
  const n = rows.length;
  const c: CandleColumns = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    c.time[i] = r[0];
    c.open[i] = r[1];
    c.high[i] = r[2];
    c.low[i] = r[3];
    c.close[i] = r[4];
    c.volume[i] = r[5];
  }
  return c;
}

/** The candles with time in [from, to] (the whole dataset by default) as engine columns. */
export function loadCandleColumns(db: Db, datasetId: number, from = Number.MIN_SAFE_INTEGER, to = Number.MAX_SAFE_INTEGER): CandleColumns {
  const rows = db
    .prepare('SELECT time, open, high, low, close, volume FROM candles WHERE dataset_id = ? AND time BETWEEN ? AND ? ORDER BY time')
    .raw()
    .all(datasetId, from, to) as number[][];
  return rowsToColumns(rows);
}

export function loadCandleTimes(db: Db, datasetId: number): Float64Array {
  const rows = db.prepare('SELECT time FROM candles WHERE dataset_id = ? ORDER BY time').pluck().all(datasetId) as number[];
  return Float64Array.from(rows);
}

/** Neighbouring-candle lookups for one dataset, straight from the candles table. */
export function candleClock(db: Db, datasetId: number): CandleClock {
  const atOrAfter = db.prepare('SELECT MIN(time) FROM candles WHERE dataset_id = ? AND time >= ?').pluck();
  const atOrBefore = db.prepare('SELECT MAX(time) FROM candles WHERE dataset_id = ? AND time <= ?').pluck();
  const before = db.prepare('SELECT MAX(time) FROM candles WHERE dataset_id = ? AND time < ?').pluck();
  const after = db.prepare('SELECT MIN(time) FROM candles WHERE dataset_id = ? AND time > ?').pluck();
  return {
    atOrAfter: (t) => (atOrAfter.get(datasetId, t) as number | null) ?? null,
    atOrBefore: (t) => (atOrBefore.get(datasetId, t) as number | null) ?? null,
    before: (t) => (before.get(datasetId, t) as number | null) ?? null,
    after: (t) => (after.get(datasetId, t) as number | null) ?? null,
  };
}
