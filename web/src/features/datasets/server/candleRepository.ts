import 'server-only';
import type { Db } from '@/server/db/database';
import {
  candleIndexFor,
  candleIndexRange,
  candleTimeAt,
  emptyColumns,
  insertCandleBlocks,
  loadAllCandleTimes,
  loadCandlesByIndex,
  loadCandlesInTimeRange,
} from '@/server/db/candleBlocks';
import type { CandleColumns } from '@/server/engine';
import type { CandleClock } from '../lib/candleClock';
import { aggregateOhlc, aggregateRuns, bucketSizeFor, type CandleRuns } from '../lib/downsample';
import { hasCandleLevels, insertCandleLevels, LEVELS_MIN_CANDLES, levelFor, loadLevelRuns } from './candleLevels';
import type { CandleQueryResult } from '../types';

const MIN_TIME = Number.MIN_SAFE_INTEGER;
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/** Stores a new dataset's candles (blocks, `@/server/db/candleBlocks`) and their levels. */
export function insertCandles(db: Db, datasetId: number, candles: CandleColumns): void {
  insertCandleBlocks(db, datasetId, candles);
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
    const offset = bucketSize > 1 ? candleIndexAt(db, datasetId, from) : 0;
    return { datasetId, total, bucketSize, candles: aggregateOhlc(rows, bucketSize, offset) };
  }
  const offset = candleIndexAt(db, datasetId, from);
  const total = candleIndexFor(db, datasetId, to, false) - offset;
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

/** The index in the whole dataset of its first candle at or after `time` (= how many are before it). */
export function candleIndexAt(db: Db, datasetId: number, time: number): number {
  return candleIndexFor(db, datasetId, time, true);
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

/** The candles with time in [from, to] (the whole dataset by default) as engine columns. */
export function loadCandleColumns(
  db: Db,
  datasetId: number,
  from = Number.MIN_SAFE_INTEGER,
  to = Number.MAX_SAFE_INTEGER,
): CandleColumns {
  return loadCandlesInTimeRange(db, datasetId, from, to);
}

/** A time range's candles read with the context around them (`loadCandlesAround`). */
export interface CandlesAround {
  /** The context before the range, the range, the context after it: oldest first. */
  candles: CandleColumns;
  /** Candles of context before the range (fewer than asked for near the dataset's start). */
  before: number;
  /** Candles in the range. */
  count: number;
  /** The dataset index of the range's first candle (where it would be, when the range is empty). */
  firstIndex: number;
}

/**
 * The candles with time in [from, to] and up to `context.before` candles just before them and
 * `context.after` just after, in one read: what a prediction over a time range scores, so the
 * model sees the same history (and look-ahead) at the range's edges as over the whole dataset.
 * The candles after the range are `candles.time.length - before - count`.
 */
export function loadCandlesAround(
  db: Db,
  datasetId: number,
  from: number,
  to: number,
  context: { before: number; after: number },
): CandlesAround {
  const { first: firstIndex, end } = candleIndexRange(db, datasetId, from, to);
  const count = end - firstIndex;
  if (count === 0) return { candles: emptyColumns(), before: 0, count, firstIndex };
  const start = Math.max(0, firstIndex - Math.max(0, Math.floor(context.before)));
  const candles = loadCandlesByIndex(db, datasetId, start, end + Math.max(0, Math.floor(context.after)));
  return { candles, before: firstIndex - start, count, firstIndex };
}

export function loadCandleTimes(db: Db, datasetId: number): Float64Array {
  return loadAllCandleTimes(db, datasetId);
}

/** Neighbouring-candle lookups for one dataset: an index from the times, then the time at an index. */
export function candleClock(db: Db, datasetId: number): CandleClock {
  const firstAtOrAfter = (t: number) => candleIndexFor(db, datasetId, t, true);
  const firstAfter = (t: number) => candleIndexFor(db, datasetId, t, false);
  const timeAt = (index: number) => candleTimeAt(db, datasetId, index);
  return {
    atOrAfter: (t) => timeAt(firstAtOrAfter(t)),
    atOrBefore: (t) => timeAt(firstAfter(t) - 1),
    before: (t) => timeAt(firstAtOrAfter(t) - 1),
    after: (t) => timeAt(firstAfter(t)),
  };
}
