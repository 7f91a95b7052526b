import 'server-only';
import type { Db } from '@/server/db/database';
import { insertRows } from '@/server/db/batchInsert';
import type { CandleColumns } from '@/server/engine';
import type { CandleClock } from '../lib/candleClock';
import { aggregateOhlc, aggregateRuns, bucketSizeFor, type CandleRuns } from '../lib/downsample';
import {
  countCandlesUpTo,
  hasCandleLevels,
  insertCandleLevels,
  LEVELS_MIN_CANDLES,
  levelFor,
  loadLevelRuns,
} from './candleLevels';
import type { CandleQueryResult } from '../types';

const MIN_TIME = Number.MIN_SAFE_INTEGER;
const MAX_TIME = Number.MAX_SAFE_INTEGER;
const CANDLE_COLUMNS = ['dataset_id', 'time', 'open', 'high', 'low', 'close', 'volume'];

export function insertCandles(db: Db, datasetId: number, candles: CandleColumns): void {
  const { time, open, high, low, close, volume } = candles;
  insertRows(db, 'candles', CANDLE_COLUMNS, time.length, (values, at, i) => {
    values[at] = datasetId;
    values[at + 1] = time[i];
    values[at + 2] = open[i];
    values[at + 3] = high[i];
    values[at + 4] = low[i];
    values[at + 5] = close[i];
    values[at + 6] = volume[i];
  });
  insertCandleLevels(db, datasetId, candles);
}

/**
 * Whether the dataset is answered from its levels; levels a big dataset stored before levels
 * existed (once, on its first view).
 */
function usesLevels(db: Db, datasetId: number): boolean {
  if (hasCandleLevels(db, datasetId)) return true;
  const row = db.prepare('SELECT candle_count AS n FROM datasets WHERE id = ?').get(datasetId) as
    { n: number } | undefined;
  if (!row || row.n <= LEVELS_MIN_CANDLES) return false;
  db.transaction(() => insertCandleLevels(db, datasetId, loadCandleColumns(db, datasetId)))();
  return true;
}

/**
 * Candles with time in [from, to]; when more than maxPoints, aggregated (OHLC) into buckets
 * aligned to the candle's index in the whole dataset, so the same bucket looks the same in every
 * query. Big datasets are counted and aggregated from their stored levels (candleLevels.ts): the
 * bucket size is then rounded up to a multiple of the level, and only the < level candles at
 * each end of the range are read raw, so a zoomed-out view of 10M candles reads a few thousand rows.
 */
export function queryCandles(
  db: Db,
  datasetId: number,
  q: { from?: number; to?: number; maxPoints: number },
): CandleQueryResult {
  const from = q.from ?? MIN_TIME;
  const to = q.to ?? MAX_TIME;
  if (!usesLevels(db, datasetId)) {
    const rows = loadCandleColumns(db, datasetId, from, to);
    const total = rows.time.length;
    const bucketSize = bucketSizeFor(total, q.maxPoints);
    const offset = bucketSize > 1 ? countBefore(db, datasetId, from) : 0;
    return { datasetId, total, bucketSize, candles: aggregateOhlc(rows, bucketSize, offset) };
  }
  const offset = countCandlesUpTo(db, datasetId, from - 1);
  const total = countCandlesUpTo(db, datasetId, to) - offset;
  let bucketSize = bucketSizeFor(total, q.maxPoints);
  const level = levelFor(bucketSize);
  const levelRuns = level === null ? null : loadLevelRuns(db, datasetId, level, from, to);
  if (level === null || !levelRuns || levelRuns.time.length === 0) {
    const rows = loadCandleColumns(db, datasetId, from, to);
    return { datasetId, total, bucketSize, candles: aggregateOhlc(rows, bucketSize, offset) };
  }
  bucketSize = Math.ceil(bucketSize / level) * level;
  const last = levelRuns.time.length - 1;
  const head = loadCandleColumns(db, datasetId, from, levelRuns.time[0] - 1);
  const tail = loadCandleColumns(db, datasetId, levelRuns.endTime[last] + 1, to);
  const runs = concatRuns([rawRuns(head, offset), levelRuns, rawRuns(tail, levelRuns.firstIndex[last] + level)]);
  return { datasetId, total, bucketSize, candles: aggregateRuns(runs, bucketSize) };
}

/** How many of the dataset's candles are before `time` (index-only count, for small datasets). */
function countBefore(db: Db, datasetId: number, time: number): number {
  return (
    db.prepare('SELECT COUNT(*) AS n FROM candles WHERE dataset_id = ? AND time < ?').get(datasetId, time) as {
      n: number;
    }
  ).n;
}

/** The index in the whole dataset of its first candle at or after `time` (a count; fast on big datasets). */
export function candleIndexAt(db: Db, datasetId: number, time: number): number {
  return usesLevels(db, datasetId) ? countCandlesUpTo(db, datasetId, time - 1) : countBefore(db, datasetId, time);
}

/** Raw candles as runs of one, the first at index `offset` of the dataset. */
function rawRuns(c: CandleColumns, offset: number): CandleRuns {
  const firstIndex = new Float64Array(c.time.length);
  for (let i = 0; i < firstIndex.length; i++) firstIndex[i] = offset + i;
  return { ...c, endTime: c.time, firstIndex };
}

function concatRuns(parts: CandleRuns[]): CandleRuns {
  const keys = ['time', 'endTime', 'firstIndex', 'open', 'high', 'low', 'close', 'volume'] as const;
  const n = parts.reduce((sum, p) => sum + p.time.length, 0);
  const out = Object.fromEntries(keys.map((k) => [k, new Float64Array(n)])) as Record<
    (typeof keys)[number],
    Float64Array
  >;
  let at = 0;
  for (const p of parts) {
    for (const k of keys) out[k].set(p[k], at);
    at += p.time.length;
  }
  return out;
}

/** `[time, open, high, low, close, volume]` rows as engine columns. */
function rowsToColumns(rows: number[][]): CandleColumns {
  const n = rows.length;
  const c: CandleColumns = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
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
export function loadCandleColumns(
  db: Db,
  datasetId: number,
  from = Number.MIN_SAFE_INTEGER,
  to = Number.MAX_SAFE_INTEGER,
): CandleColumns {
  const rows = db
    .prepare(
      'SELECT time, open, high, low, close, volume FROM candles WHERE dataset_id = ? AND time BETWEEN ? AND ? ORDER BY time',
    )
    .raw()
    .all(datasetId, from, to) as number[][];
  return rowsToColumns(rows);
}

/**
 * The `count` candles just before `time`, or just after it (`side: 'after'`), oldest first: the
 * context a prediction over a time range reads around it, so the model sees the same history
 * (and look-ahead) at the range's edges as over the whole dataset.
 */
export function loadCandlesBeside(
  db: Db,
  datasetId: number,
  time: number,
  count: number,
  side: 'before' | 'after',
): CandleColumns {
  const where = side === 'before' ? 'time < ? ORDER BY time DESC' : 'time > ? ORDER BY time';
  const rows = db
    .prepare(`SELECT time, open, high, low, close, volume FROM candles WHERE dataset_id = ? AND ${where} LIMIT ?`)
    .raw()
    .all(datasetId, time, Math.max(0, Math.floor(count))) as number[][];
  return rowsToColumns(side === 'before' ? rows.reverse() : rows);
}

export function loadCandleTimes(db: Db, datasetId: number): Float64Array {
  const rows = db
    .prepare('SELECT time FROM candles WHERE dataset_id = ? ORDER BY time')
    .pluck()
    .all(datasetId) as number[];
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
