import 'server-only';
import type { Db } from '@/server/db/database';
import { insertRows } from '@/server/db/batchInsert';
import type { CandleColumns } from '@/server/engine';
import { aggregateOhlc, type CandleRuns } from '../lib/downsample';

/**
 * Run lengths of the stored levels, finest first. Each level is 16× the one below, so an
 * aggregated view of any bucket size reads at most ≈ 16× its points from one level.
 */
export const CANDLE_LEVELS = [16, 256, 4096] as const;
/** Datasets up to this many candles get no levels: reading them whole is fast enough. */
export const LEVELS_MIN_CANDLES = 65_536;
const LEVEL_COLUMNS = [
  'dataset_id',
  'level',
  'time',
  'end_time',
  'first_index',
  'count',
  'open',
  'high',
  'low',
  'close',
  'volume',
];

/** The level a bucket of `bucketSize` candles is built from (null: from raw candles). */
export function levelFor(bucketSize: number): number | null {
  let chosen: number | null = null;
  for (const level of CANDLE_LEVELS) if (level <= bucketSize) chosen = level;
  return chosen;
}

/** Stores the levels of a dataset's candles (all of them, index 0 first). */
export function insertCandleLevels(db: Db, datasetId: number, candles: CandleColumns): void {
  const n = candles.time.length;
  if (n <= LEVELS_MIN_CANDLES) return;
  for (const level of CANDLE_LEVELS) {
    const runs = aggregateOhlc(candles, level, 0);
    insertRows(db, 'candle_levels', LEVEL_COLUMNS, runs.time.length, (values, at, k) => {
      const first = k * level;
      values[at] = datasetId;
      values[at + 1] = level;
      values[at + 2] = runs.time[k];
      values[at + 3] = runs.endTime![k];
      values[at + 4] = first;
      values[at + 5] = Math.min(level, n - first);
      values[at + 6] = runs.open[k];
      values[at + 7] = runs.high[k];
      values[at + 8] = runs.low[k];
      values[at + 9] = runs.close[k];
      values[at + 10] = runs.volume[k];
    });
  }
}

/** Whether the dataset's candles are answered from levels (it is big enough and they exist). */
export function hasCandleLevels(db: Db, datasetId: number): boolean {
  return db.prepare('SELECT 1 FROM candle_levels WHERE dataset_id = ? LIMIT 1').get(datasetId) !== undefined;
}

/** The runs of `level` that lie wholly in [from, to], in time order. */
export function loadLevelRuns(db: Db, datasetId: number, level: number, from: number, to: number): CandleRuns {
  const rows = db
    .prepare(
      `SELECT time, end_time, first_index, open, high, low, close, volume FROM candle_levels
       WHERE dataset_id = ? AND level = ? AND time >= ? AND end_time <= ? ORDER BY time`,
    )
    .raw()
    .all(datasetId, level, from, to) as number[][];
  const n = rows.length;
  const runs = {
    time: new Float64Array(n),
    endTime: new Float64Array(n),
    firstIndex: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const columns = [runs.time, runs.endTime, runs.firstIndex, runs.open, runs.high, runs.low, runs.close, runs.volume];
  for (let i = 0; i < n; i++) for (let c = 0; c < columns.length; c++) columns[c][i] = rows[i][c];
  return runs;
}
