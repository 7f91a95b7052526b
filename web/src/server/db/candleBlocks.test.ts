import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANDLES_PER_BLOCK,
  candleIndexFor,
  candleIndexRange,
  candleTimeAt,
  insertCandleBlocks,
  loadAllCandleTimes,
  loadCandlesByIndex,
  loadCandlesInTimeRange,
  storedCandleCount,
} from './candleBlocks';
import { openDatabase, type Db } from './database';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-blocks-'));
let db: Db;
// Three full blocks and a short one; times with uneven gaps, so "between two candles" and "at a
// block's edge" are different questions.
const N = 3 * CANDLES_PER_BLOCK + 17;
const all = {
  time: new Float64Array(N),
  open: new Float64Array(N),
  high: new Float64Array(N),
  low: new Float64Array(N),
  close: new Float64Array(N),
  volume: new Float64Array(N),
};
let t = Date.UTC(2021, 0, 1);
for (let i = 0; i < N; i++) {
  t += 60_000 * (1 + (i % 3));
  all.time[i] = t;
  all.open[i] = 100 + Math.sin(i) * 3.3;
  all.close[i] = 100 + Math.cos(i) * 2.7;
  all.high[i] = Math.max(all.open[i], all.close[i]) + 0.1 + (i % 5) / 7;
  all.low[i] = Math.min(all.open[i], all.close[i]) - 0.1 - (i % 4) / 9;
  all.volume[i] = (i * 7919) % 1000;
}

/** What a read must return: the columns sliced at [start, end), as copies. */
function slice(start: number, end: number) {
  const s = Math.max(0, start);
  const e = Math.max(s, Math.min(N, end));
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.slice(s, e)]));
}
const firstAtOrAfter = (x: number) => all.time.findIndex((v) => v >= x);
const indexAtOrAfter = (x: number) => (firstAtOrAfter(x) === -1 ? N : firstAtOrAfter(x));
const indexAfter = (x: number) => (all.time.findIndex((v) => v > x) === -1 ? N : all.time.findIndex((v) => v > x));

let datasetId: number;
let emptyId: number;
beforeAll(() => {
  db = openDatabase(path.join(dir, 'blocks.db'));
  db.exec(`INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', 1, 1);
    INSERT INTO datasets (id, project_id, name, candle_count, created_at, updated_at) VALUES (1, 1, 'd', ${N}, 1, 1);
    INSERT INTO datasets (id, project_id, name, candle_count, created_at, updated_at) VALUES (2, 1, 'e', 0, 1, 1);`);
  datasetId = 1;
  emptyId = 2;
  db.transaction(() => insertCandleBlocks(db, datasetId, all))();
});

afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('candle blocks', () => {
  it('stores full blocks and a short last one, with their first and last times', () => {
    const blocks = db
      .prepare(
        'SELECT first_index, count, first_time, last_time, length(time) AS bytes FROM candle_blocks ORDER BY first_index',
      )
      .all();
    expect(blocks).toEqual(
      [0, 1, 2, 3].map((b) => {
        const first = b * CANDLES_PER_BLOCK;
        const count = Math.min(CANDLES_PER_BLOCK, N - first);
        return {
          first_index: first,
          count,
          first_time: all.time[first],
          last_time: all.time[first + count - 1],
          bytes: 8 * count,
        };
      }),
    );
    expect(storedCandleCount(db, datasetId)).toBe(N);
  });

  it('reads back every value bit for bit', () => {
    expect(loadCandlesByIndex(db, datasetId, 0, N)).toEqual(slice(0, N));
    expect(loadAllCandleTimes(db, datasetId)).toEqual(all.time);
    expect(loadAllCandleTimes(db, emptyId)).toEqual(new Float64Array(0));
  });

  const indexRanges: Array<[string, number, number]> = [
    ['inside one block', 10, 20],
    ['across one block edge', CANDLES_PER_BLOCK - 3, CANDLES_PER_BLOCK + 5],
    ['across three edges', CANDLES_PER_BLOCK - 1, 3 * CANDLES_PER_BLOCK + 1],
    ['exactly one block', CANDLES_PER_BLOCK, 2 * CANDLES_PER_BLOCK],
    ['the short last block', 3 * CANDLES_PER_BLOCK, N],
    ['starting before 0 and ending past the end', -50, N + 50],
    ['empty', 500, 500],
    ['the last candles and past the end', N - 3, N + 10],
    ['past the end, within a block of the last', N + 1, N + 10],
  ];
  it.each(indexRanges)('by index, %s', (_name, start, end) => {
    expect(loadCandlesByIndex(db, datasetId, start, end)).toEqual(slice(start, end));
  });

  const edges = [0, 1, CANDLES_PER_BLOCK - 1, CANDLES_PER_BLOCK, 2 * CANDLES_PER_BLOCK + 7, N - 1];
  const probes = [
    all.time[0] - 1,
    ...edges.flatMap((i) => [all.time[i] - 1, all.time[i], all.time[i] + 1]),
    all.time[N - 1] + 1,
    Number.MIN_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
  ];
  it('finds the index of a time, at, between and beyond candles', () => {
    for (const x of probes) {
      expect(candleIndexFor(db, datasetId, x, true), `>= ${x}`).toBe(indexAtOrAfter(x));
      expect(candleIndexFor(db, datasetId, x, false), `> ${x}`).toBe(indexAfter(x));
    }
  });

  it('by time, the candles in [from, to] and their indices for ranges cut anywhere', () => {
    for (const from of probes)
      for (const to of [from, from + 1, from + 3 * 60_000, all.time[CANDLES_PER_BLOCK + 3], Number.MAX_SAFE_INTEGER]) {
        const expected = to < from ? slice(0, 0) : slice(indexAtOrAfter(from), indexAfter(to));
        expect(loadCandlesInTimeRange(db, datasetId, from, to), `[${from}, ${to}]`).toEqual(expected);
        const first = indexAtOrAfter(from);
        const end = to < from ? first : Math.max(first, indexAfter(to));
        expect(candleIndexRange(db, datasetId, from, to), `[${from}, ${to}]`).toEqual({ first, end });
      }
    // An empty range says where its candles would be.
    const between = all.time[5] + 1;
    expect(candleIndexRange(db, datasetId, between, between)).toEqual({ first: 6, end: 6 });
    expect(candleIndexRange(db, datasetId, all.time[9], all.time[2])).toEqual({ first: 9, end: 9 });
  });

  it('the time at an index, null outside the dataset', () => {
    for (const i of [...edges, 2 * CANDLES_PER_BLOCK - 1]) expect(candleTimeAt(db, datasetId, i)).toBe(all.time[i]);
    expect(candleTimeAt(db, datasetId, -1)).toBeNull();
    expect(candleTimeAt(db, datasetId, N)).toBeNull();
  });

  it('a dataset without candles reads as empty', () => {
    expect(storedCandleCount(db, emptyId)).toBe(0);
    expect(candleIndexFor(db, emptyId, all.time[5], true)).toBe(0);
    expect(candleTimeAt(db, emptyId, 0)).toBeNull();
    expect(loadCandlesInTimeRange(db, emptyId, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toEqual(slice(0, 0));
  });

  it('go with their dataset', () => {
    db.exec(
      `INSERT INTO datasets (id, project_id, name, candle_count, created_at, updated_at) VALUES (3, 1, 'gone', 5, 1, 1)`,
    );
    db.transaction(() => insertCandleBlocks(db, 3, slice(0, 5) as typeof all))();
    expect(storedCandleCount(db, 3)).toBe(5);
    db.prepare('DELETE FROM datasets WHERE id = 3').run();
    expect(db.prepare('SELECT COUNT(*) FROM candle_blocks WHERE dataset_id = 3').pluck().get()).toBe(0);
  });
});
