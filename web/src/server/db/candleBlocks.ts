import type Database from 'better-sqlite3';
import type { CandleColumns } from '@/server/engine';
import { lowerBound, upperBound } from '@/shared/sortedSearch';
import { asBlob, asFloat64 } from './float64Blob';

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
type Column = (typeof COLUMNS)[number];
type Db = Database.Database;

/** A block's columns (views into the BLOBs SQLite returned) and where it starts in the dataset. */
interface Block {
  firstIndex: number;
  columns: Record<Column, Float64Array>;
}

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

function toBlock(row: Record<string, unknown>): Block {
  const columns = {} as Record<Column, Float64Array>;
  for (const c of COLUMNS) columns[c] = asFloat64(row[c] as Buffer);
  return { firstIndex: row.first_index as number, columns };
}

/** How many candles the dataset has (from its last block). */
export function storedCandleCount(db: Db, datasetId: number): number {
  const row = db
    .prepare(
      'SELECT first_index + count AS n FROM candle_blocks WHERE dataset_id = ? ORDER BY first_index DESC LIMIT 1',
    )
    .get(datasetId) as { n: number } | undefined;
  return row?.n ?? 0;
}

/**
 * The dataset index of the first candle with time >= t (`inclusive`) or > t (not): equally, how
 * many candles are before t (inclusive) or at or before it (not). Reads one block's times.
 */
export function candleIndexFor(db: Db, datasetId: number, t: number, inclusive: boolean): number {
  const row = db
    .prepare(
      `SELECT first_index, time FROM candle_blocks WHERE dataset_id = ? AND last_time ${inclusive ? '>=' : '>'} ?
       ORDER BY last_time LIMIT 1`,
    )
    .get(datasetId, t) as { first_index: number; time: Buffer } | undefined;
  if (!row) return storedCandleCount(db, datasetId);
  const times = asFloat64(row.time);
  return row.first_index + (inclusive ? lowerBound(times, t) : upperBound(times, t));
}

/** The time of the candle at dataset index `index`, or null outside the dataset. */
export function candleTimeAt(db: Db, datasetId: number, index: number): number | null {
  if (index < 0) return null;
  const row = db
    .prepare(
      `SELECT first_index, count, time FROM candle_blocks WHERE dataset_id = ? AND first_index <= ?
       ORDER BY first_index DESC LIMIT 1`,
    )
    .get(datasetId, index) as { first_index: number; count: number; time: Buffer } | undefined;
  if (!row || index >= row.first_index + row.count) return null;
  return asFloat64(row.time)[index - row.first_index];
}

/** The candles at dataset indexes [start, end), oldest first. */
export function loadCandlesByIndex(db: Db, datasetId: number, start: number, end: number): CandleColumns {
  start = Math.max(0, start);
  if (end <= start) return emptyColumns();
  const rows = db
    .prepare(
      `SELECT first_index, ${COLUMNS.join(', ')} FROM candle_blocks
       WHERE dataset_id = ? AND first_index > ? AND first_index < ? ORDER BY first_index`,
    )
    .all(datasetId, start - CANDLES_PER_BLOCK, end) as Record<string, unknown>[];
  if (rows.length === 0) return emptyColumns();
  const blocks = rows.map(toBlock);
  const last = blocks[blocks.length - 1];
  const stored = last.firstIndex + last.columns.time.length;
  return concatBlocks(blocks, Math.min(start, stored), Math.min(end, stored));
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

/** The candles with time in [from, to], oldest first. */
export function loadCandlesInTimeRange(db: Db, datasetId: number, from: number, to: number): CandleColumns {
  if (to < from) return emptyColumns();
  return loadCandlesByIndex(
    db,
    datasetId,
    candleIndexFor(db, datasetId, from, true),
    candleIndexFor(db, datasetId, to, false),
  );
}

/** The candles at dataset indexes [start, end) of consecutive blocks, copied into one set of columns. */
function concatBlocks(blocks: Block[], start: number, end: number): CandleColumns {
  const out = emptyColumns(Math.max(0, end - start));
  for (const block of blocks) {
    const from = Math.max(start, block.firstIndex);
    const to = Math.min(end, block.firstIndex + block.columns.time.length);
    if (to <= from) continue;
    for (const c of COLUMNS)
      out[c].set(block.columns[c].subarray(from - block.firstIndex, to - block.firstIndex), from - start);
  }
  return out;
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
