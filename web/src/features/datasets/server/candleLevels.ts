import 'server-only';
import type { Db } from '@/server/db/database';
import { asBlob, asFloat64 } from '@/server/db/float64Blob';
import { lowerBound, upperBound } from '@/shared/sortedSearch';
import type { CandleColumns } from '@/server/engine';
import type { CandleRuns } from '../lib/downsample';

/**
 * Run lengths of the stored levels, finest first. Each level is 16× the one below, so an
 * aggregated view of any bucket size reads at most ≈ 16× its points from one level.
 */
export const CANDLE_LEVELS = [16, 256, 4096] as const;
/** Datasets up to this many candles get no levels: reading them whole is fast enough. */
export const LEVELS_MIN_CANDLES = 65_536;
/**
 * Runs per stored block. A level is stored like the candles (`@/server/db/candleBlocks`): blocks of
 * consecutive runs, each column one Float64 BLOB (table `candle_level_blocks`, migration 10), so
 * a 10M-candle upload writes ≈ 170 blocks instead of ≈ 670,000 rows (2.6 s of the upload).
 */
export const RUNS_PER_BLOCK = 4096;
const RUN_COLUMNS = ['time', 'end_time', 'open', 'high', 'low', 'close', 'volume'] as const;
type RunColumn = (typeof RUN_COLUMNS)[number];
type RunColumns = Record<RunColumn, Float64Array>;

/** The level a bucket of `bucketSize` candles is built from (null: from raw candles). */
export function levelFor(bucketSize: number): number | null {
  let chosen: number | null = null;
  for (const level of CANDLE_LEVELS) if (level <= bucketSize) chosen = level;
  return chosen;
}

/**
 * Stores the levels of a dataset's candles (all of them, index 0 first), in the caller's
 * transaction. Run k of level L covers the candles k·L … (k+1)·L − 1 (the last run may be short).
 */
export function insertCandleLevels(db: Db, datasetId: number, candles: CandleColumns): void {
  if (candles.time.length <= LEVELS_MIN_CANDLES) return;
  const insert = db.prepare(
    `INSERT INTO candle_level_blocks (dataset_id, level, first_run, count, first_time, last_time, ${RUN_COLUMNS.join(', ')})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Each level from the one below (a candle is a run of one): 16× fewer values to read each time.
  let runs: RunColumns = { ...candles, end_time: candles.time };
  let runLength = 1;
  for (const level of CANDLE_LEVELS) {
    runs = mergeRuns(runs, level / runLength);
    runLength = level;
    const count = runs.time.length;
    for (let first = 0; first < count; first += RUNS_PER_BLOCK) {
      const end = Math.min(count, first + RUNS_PER_BLOCK);
      insert.run(
        datasetId,
        level,
        first,
        end - first,
        runs.time[first],
        runs.time[end - 1],
        ...RUN_COLUMNS.map((c) => asBlob(runs[c].subarray(first, end))),
      );
    }
  }
}

/**
 * Runs of `size` consecutive runs (the last may be shorter): open of the first, high max, low
 * min, close of the last, volume sum, time of the first, end time of the last.
 */
function mergeRuns(runs: RunColumns, size: number): RunColumns {
  const n = runs.time.length;
  const m = Math.ceil(n / size);
  const out = emptyRuns(m);
  for (let k = 0; k < m; k++) {
    const first = k * size;
    const last = Math.min(n, first + size) - 1;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let i = first; i <= last; i++) {
      if (runs.high[i] > high) high = runs.high[i];
      if (runs.low[i] < low) low = runs.low[i];
      volume += runs.volume[i];
    }
    out.time[k] = runs.time[first];
    out.end_time[k] = runs.end_time[last];
    out.open[k] = runs.open[first];
    out.high[k] = high;
    out.low[k] = low;
    out.close[k] = runs.close[last];
    out.volume[k] = volume;
  }
  return out;
}

/** Zeroed columns for n runs. */
function emptyRuns(n: number): RunColumns {
  return Object.fromEntries(RUN_COLUMNS.map((c) => [c, new Float64Array(n)])) as RunColumns;
}

/** Whether the dataset's candles are answered from levels (it is big enough and they exist). */
export function hasCandleLevels(db: Db, datasetId: number): boolean {
  return db.prepare('SELECT 1 FROM candle_level_blocks WHERE dataset_id = ? LIMIT 1').get(datasetId) !== undefined;
}

/**
 * The runs of `level` that lie wholly in [from, to] (time >= from, end time <= to), in time order.
 * Run times and end times both increase, so within a block those runs are one slice, found by
 * binary search; the blocks read are those whose run times reach into [from, to].
 */
export function loadLevelRuns(db: Db, datasetId: number, level: number, from: number, to: number): CandleRuns {
  const blocks = db
    .prepare(
      `SELECT first_run, ${RUN_COLUMNS.join(', ')} FROM candle_level_blocks
       WHERE dataset_id = ? AND level = ? AND last_time >= ? AND first_time <= ? ORDER BY first_run`,
    )
    .all(datasetId, level, from, to) as Record<string, unknown>[];
  const slices = blocks.map((row) => {
    const columns = {} as RunColumns;
    for (const c of RUN_COLUMNS) columns[c] = asFloat64(row[c] as Buffer);
    const start = lowerBound(columns.time, from);
    const end = Math.max(start, upperBound(columns.end_time, to));
    return { firstRun: (row.first_run as number) + start, columns, start, end };
  });
  const n = slices.reduce((sum, s) => sum + s.end - s.start, 0);
  const runs = emptyRuns(n);
  const firstIndex = new Float64Array(n);
  let at = 0;
  for (const { firstRun, columns, start, end } of slices) {
    for (const c of RUN_COLUMNS) runs[c].set(columns[c].subarray(start, end), at);
    for (let k = 0; k < end - start; k++) firstIndex[at + k] = (firstRun + k) * level;
    at += end - start;
  }
  const { end_time: endTime, ...rest } = runs;
  return { ...rest, endTime, firstIndex };
}
