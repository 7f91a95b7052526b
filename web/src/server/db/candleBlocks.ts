import type Database from 'better-sqlite3';
import type { CandleColumns } from '@/server/engine';
import { lowerBound, upperBound } from '@/shared/sortedSearch';
import { asBlob, asFloat64 } from './float64Blob';
import { preparedOnce } from './preparedOnce';

/**
 * How a dataset's candles are stored: in blocks of up to CANDLES_PER_BLOCK consecutive candles,
 * each column one little-endian Float64 BLOB (table `candle_blocks`, migration 9).
 *
 * Why blocks, not a row per candle: a 10M-candle upload spent more time inserting rows (≈ 0.9 M
 * rows/s, 100 per statement) than the engine spent parsing the CSV; a block is one statement for
 * 4,096 candles, and reading one back is a copy, not 4,096 row objects. Candles are written once,
 * with their dataset, and never edited, so blocks are never rewritten.
 *
 * Invariants the reads rely on: a dataset's blocks are numbered by `first_index` (the dataset
 * index of their first candle), every block but the last holds exactly CANDLES_PER_BLOCK candles,
 * and times increase strictly across blocks (import guarantees it).
 */
export const CANDLES_PER_BLOCK = 4096;
const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
type Db = Database.Database;

/** Stores all of a dataset's candles (index 0 first), in the caller's transaction. */
export function insertCandleBlocks(db: Db, datasetId: number, candles: CandleColumns): void {
  const n = candles.time.length;
  const insert = db.prepare(
    `INSERT INTO candle_blocks (dataset_id, first_index, first_time, last_time, count, ${COLUMNS.join(', ')})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (let first = 0; first < n; first += CANDLES_PER_BLOCK) {
    const end = Math.min(n, first + CANDLES_PER_BLOCK);
    insert.run(
      datasetId,
      first,
      candles.time[first],
      candles.time[end - 1],
      end - first,
      ...COLUMNS.map((c) => asBlob(candles[c].subarray(first, end))),
    );
  }
}

/** How many candles the dataset has (from its last block). */
export function storedCandleCount(db: Db, datasetId: number): number {
  const row = preparedOnce(
    db,
    'SELECT first_index + count AS n FROM candle_blocks WHERE dataset_id = ? ORDER BY first_index DESC LIMIT 1',
  ).get(datasetId) as { n: number } | undefined;
  return row?.n ?? 0;
}

const FIRST_BLOCK_ENDING_AT_OR_AFTER = `SELECT first_index, time FROM candle_blocks
  WHERE dataset_id = ? AND last_time >= ? ORDER BY last_time LIMIT 1`;
const FIRST_BLOCK_ENDING_AFTER = `SELECT first_index, time FROM candle_blocks
  WHERE dataset_id = ? AND last_time > ? ORDER BY last_time LIMIT 1`;

/**
 * The dataset index of the first candle with time >= t (`inclusive`) or > t (not): equally, how
 * many candles are before t (inclusive) or at or before it (not). Reads one block's times.
 */
export function candleIndexFor(db: Db, datasetId: number, t: number, inclusive: boolean): number {
  const row = preparedOnce(db, inclusive ? FIRST_BLOCK_ENDING_AT_OR_AFTER : FIRST_BLOCK_ENDING_AFTER).get(
    datasetId,
    t,
  ) as { first_index: number; time: Buffer } | undefined;
  if (!row) return storedCandleCount(db, datasetId);
  const times = asFloat64(row.time);
  return row.first_index + (inclusive ? lowerBound(times, t) : upperBound(times, t));
}

/** The time of the candle at dataset index `index`, or null outside the dataset. */
export function candleTimeAt(db: Db, datasetId: number, index: number): number | null {
  if (index < 0) return null;
  const row = preparedOnce(
    db,
    `SELECT first_index, count, time FROM candle_blocks WHERE dataset_id = ? AND first_index <= ?
     ORDER BY first_index DESC LIMIT 1`,
  ).get(datasetId, index) as { first_index: number; count: number; time: Buffer } | undefined;
  if (!row || index >= row.first_index + row.count) return null;
  return asFloat64(row.time)[index - row.first_index];
}

/**
 * The blocks that hold candles of [:start, :end), each column cut to those candles' bytes
 * (`substr` counts a BLOB's bytes from 1): a 500-candle read copies 500 candles out of SQLite, not
 * the 4,096 of every block it touches, whose Buffers the JS heap's collector then had to reclaim.
 * A block read whole is returned as it is (`substr` would copy it once more). The last condition
 * skips a short last block that ends before :start, so every length is positive.
 */
const CANDLES_BY_INDEX = `SELECT ${COLUMNS.map(
  (c) => `CASE WHEN :start <= first_index AND first_index + count <= :end THEN ${c}
     ELSE substr(${c}, (max(:start, first_index) - first_index) * 8 + 1,
       (min(:end, first_index + count) - max(:start, first_index)) * 8) END AS ${c}`,
).join(', ')}
  FROM candle_blocks WHERE dataset_id = :datasetId AND first_index > :start - ${CANDLES_PER_BLOCK}
    AND first_index < :end AND first_index + count > :start
  ORDER BY first_index`;

/** The candles at dataset indexes [start, end), oldest first. */
export function loadCandlesByIndex(db: Db, datasetId: number, start: number, end: number): CandleColumns {
  start = Math.max(0, start);
  if (end <= start) return emptyColumns();
  const rows = preparedOnce(db, CANDLES_BY_INDEX).all({ datasetId, start, end }) as Record<string, unknown>[];
  const out = emptyColumns(rows.reduce((n, row) => n + (row.time as Buffer).byteLength / 8, 0));
  let at = 0;
  for (const row of rows) {
    // Copied as bytes: a Buffer SQLite returned need not be 8-byte aligned for a Float64 view.
    for (const c of COLUMNS) {
      const bytes = row[c] as Buffer;
      new Uint8Array(out[c].buffer, out[c].byteOffset + at * 8, bytes.byteLength).set(bytes);
    }
    at += (row.time as Buffer).byteLength / 8;
  }
  return out;
}

/** All of the dataset's candle times, oldest first (only the time column is read). */
export function loadAllCandleTimes(db: Db, datasetId: number): Float64Array {
  const blobs = db
    .prepare('SELECT time FROM candle_blocks WHERE dataset_id = ? ORDER BY first_index')
    .pluck()
    .all(datasetId) as Buffer[];
  const out = new Float64Array(blobs.reduce((n, b) => n + b.byteLength / 8, 0));
  let at = 0;
  for (const blob of blobs) {
    const times = asFloat64(blob);
    out.set(times, at);
    at += times.length;
  }
  return out;
}

/**
 * The dataset indices `[first, end)` of the candles with time in [from, to]: two lookups. `first`
 * is where such a candle would be when there is none (`first === end`, also when `to < from`).
 */
export function candleIndexRange(db: Db, datasetId: number, from: number, to: number): { first: number; end: number } {
  const first = candleIndexFor(db, datasetId, from, true);
  return { first, end: to < from ? first : Math.max(first, candleIndexFor(db, datasetId, to, false)) };
}

/** The candles with time in [from, to], oldest first. */
export function loadCandlesInTimeRange(db: Db, datasetId: number, from: number, to: number): CandleColumns {
  if (to < from) return emptyColumns();
  const { first, end } = candleIndexRange(db, datasetId, from, to);
  return loadCandlesByIndex(db, datasetId, first, end);
}

/** Zeroed columns for n candles. */
export function emptyColumns(n = 0): CandleColumns {
  return {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}
