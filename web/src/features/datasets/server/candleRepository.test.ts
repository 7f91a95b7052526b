import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyColumns } from '@/server/db/candleBlocks';
import { openDatabase, type Db } from '@/server/db/database';
import { defaultProject } from '@/features/projects/server';
import { aggregateOhlc, bucketSizeFor } from '../lib/downsample';
import { LEVELS_MIN_CANDLES, loadLevelRuns, RUNS_PER_BLOCK } from './candleLevels';
import { candleClock, candleIndexAt, loadCandleColumns, loadCandlesAround, queryCandles } from './candleRepository';
import { insertDataset } from './datasetRepository';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-levels-'));
let db: Db;
let datasetId: number;
// Above the levels threshold, and not a multiple of any level (the last runs are short).
const N = LEVELS_MIN_CANDLES + 40_003;
const T0 = Date.UTC(2020, 0, 1);
const MINUTE = 60_000;

function candles(n: number) {
  const c = emptyColumns(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = open + Math.sin(i * 0.37) + Math.cos(i * 0.011);
    c.time[i] = T0 + i * MINUTE;
    c.open[i] = open;
    c.close[i] = price;
    c.high[i] = Math.max(open, price) + (i % 7) * 0.1;
    c.low[i] = Math.min(open, price) - (i % 5) * 0.1;
    c.volume[i] = 1 + (i % 13);
  }
  return c;
}

/** What the query must equal: every candle in range read and aggregated directly. */
function expected(from: number, to: number, bucketSize: number) {
  const all = loadCandleColumns(db, datasetId);
  const rows = loadCandleColumns(db, datasetId, from, to);
  const offset = all.time.findIndex((t) => t >= from);
  return aggregateOhlc(rows, bucketSize, offset);
}

beforeAll(() => {
  db = openDatabase(path.join(dir, 'levels.db'));
  const projectId = defaultProject(db).id;
  datasetId = db.transaction(() =>
    insertDataset(db, {
      projectId,
      name: 'levels',
      symbol: null,
      timeframe: '1m',
      sourceFile: null,
      candles: candles(N),
      importReport: { onInvalidRow: 'fail', rejectedCount: 0, rejected: [], detected: {} } as never,
    }),
  )();
});

afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('queryCandles on a dataset with levels', () => {
  it('stores the levels with the candles', () => {
    const counts = db
      .prepare(
        'SELECT level, COUNT(*) AS blocks, SUM(count) AS runs FROM candle_level_blocks WHERE dataset_id = ? GROUP BY level',
      )
      .all(datasetId);
    const level = (size: number) => {
      const runs = Math.ceil(N / size);
      return { level: size, blocks: Math.ceil(runs / RUNS_PER_BLOCK), runs };
    };
    expect(counts).toEqual([level(16), level(256), level(4096)]);
    // Each level's runs cover every candle once: run k starts at candle k·level.
    const all = loadLevelRuns(db, datasetId, 16, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    expect(all.time.length).toBe(Math.ceil(N / 16));
    expect(Array.from(all.firstIndex).slice(0, 3)).toEqual([0, 16, 32]);
    expect(all.firstIndex[all.firstIndex.length - 1]).toBe((Math.ceil(N / 16) - 1) * 16);
  });

  it("reads the runs wholly inside a range, at and across the level blocks' edges", () => {
    const all = loadLevelRuns(db, datasetId, 16, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const edge = RUNS_PER_BLOCK * 16; // the first candle of level 16's second block
    const at = (candle: number) => T0 + candle * MINUTE;
    const probes: Array<[number, number]> = [
      [at(edge), at(edge + 15)], // exactly the second block's first run
      [at(edge - 16), at(edge + 15)], // the last run of one block and the first of the next
      [at(edge - 15), at(edge + 14)], // both cut: no run fits
      [at(edge - 100.5), at(edge + 300.5)], // between candle times
      [at(100), at(N + 1000)], // to past the end: the short last run is included
      [at(N), at(N + 10)], // after every candle
    ];
    for (const [from, to] of probes) {
      const runs = loadLevelRuns(db, datasetId, 16, from, to);
      const wanted = Array.from({ length: all.time.length }, (_, k) => k).filter(
        (k) => all.time[k] >= from && all.endTime[k] <= to,
      );
      expect(Array.from(runs.firstIndex), `${from}–${to}`).toEqual(wanted.map((k) => all.firstIndex[k]));
      expect(Array.from(runs.close)).toEqual(wanted.map((k) => all.close[k]));
      expect(Array.from(runs.endTime)).toEqual(wanted.map((k) => all.endTime[k]));
    }
  });

  const ranges: Array<[string, number | undefined, number | undefined, number]> = [
    ['the whole dataset, overview', undefined, undefined, 4000],
    ['the whole dataset, fine', undefined, undefined, 20_000],
    ['the whole dataset from the 256 level', undefined, undefined, 100],
    ['the whole dataset from the 4096 level', undefined, undefined, 20],
    ['a range cutting runs at both ends', T0 + 12_345 * MINUTE, T0 + 98_765 * MINUTE, 1000],
    ['a range between candle times', T0 + 5_000.5 * MINUTE, T0 + 70_000.5 * MINUTE, 300],
    ['a range past the last candle', T0 + 90_001 * MINUTE, T0 + 10 * N * MINUTE, 500],
  ];
  it.each(ranges)('%s: the same bars as aggregating every candle', (_name, from, to, maxPoints) => {
    const result = queryCandles(db, datasetId, { from, to, maxPoints });
    const lo = from ?? Number.MIN_SAFE_INTEGER;
    const hi = to ?? Number.MAX_SAFE_INTEGER;
    const inRange = loadCandleColumns(db, datasetId, lo, hi).time.length;
    expect(result.total).toBe(inRange);
    expect(result.candles.time.length).toBeLessThanOrEqual(maxPoints);
    // Rounded up to a whole number of level runs, never below what maxPoints needs.
    expect(result.bucketSize).toBeGreaterThanOrEqual(bucketSizeFor(inRange, maxPoints));
    expect(result.candles).toEqual(expected(lo, hi, result.bucketSize));
  });

  it('returns raw candles for a window within maxPoints', () => {
    const from = T0 + 80_000 * MINUTE;
    const result = queryCandles(db, datasetId, { from, to: from + 999 * MINUTE, maxPoints: 5000 });
    expect(result.bucketSize).toBe(1);
    expect(result.total).toBe(1000);
    expect(result.candles.time[0]).toBe(from);
  });

  it('levels a big dataset stored without levels on its first query', () => {
    const before = queryCandles(db, datasetId, { maxPoints: 4000 });
    db.prepare('DELETE FROM candle_level_blocks WHERE dataset_id = ?').run(datasetId);
    expect(queryCandles(db, datasetId, { maxPoints: 4000 })).toEqual(before);
    const runs = db.prepare('SELECT SUM(count) FROM candle_level_blocks WHERE dataset_id = ?').pluck().get(datasetId);
    expect(runs).toBe(Math.ceil(N / 16) + Math.ceil(N / 256) + Math.ceil(N / 4096));
  });
});

describe('neighbouring candles', () => {
  // Probes at, between and beyond candle times, and at the 4,096-candle block edges.
  const probes = [-1, 0, 4095, 4096, 4097, 8191.5, 70_000, N - 1, N]
    .flatMap((i) => [T0 + i * MINUTE, T0 + i * MINUTE + 1, T0 + i * MINUTE - 1])
    .concat([Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
  const time = (i: number) => (i >= 0 && i < N ? T0 + i * MINUTE : null);
  /** First index with time >= t (strict: > t), by arithmetic on the evenly spaced times. */
  const index = (t: number, strict: boolean) => {
    const x = (t - T0) / MINUTE;
    const i = strict ? Math.floor(x) + 1 : Math.ceil(x);
    return Math.min(N, Math.max(0, i));
  };

  it('candleClock answers like a scan of the times', () => {
    const clock = candleClock(db, datasetId);
    for (const t of probes) {
      expect(clock.atOrAfter(t), `atOrAfter ${t}`).toBe(time(index(t, false)));
      expect(clock.after(t), `after ${t}`).toBe(time(index(t, true)));
      expect(clock.atOrBefore(t), `atOrBefore ${t}`).toBe(time(index(t, true) - 1));
      expect(clock.before(t), `before ${t}`).toBe(time(index(t, false) - 1));
      expect(candleIndexAt(db, datasetId, t)).toBe(index(t, false));
    }
  });

  it('loadCandlesAround reads a range with up to the context asked for on each side, oldest first', () => {
    const all = loadCandleColumns(db, datasetId);
    for (const from of probes)
      for (const to of [from, from + 3 * MINUTE, from + 9000 * MINUTE])
        for (const [before, after] of [
          [0, 0],
          [1, 5000],
          [5000, 1],
        ]) {
          const around = loadCandlesAround(db, datasetId, from, to, { before, after });
          const first = index(from, false);
          const end = index(to, true);
          const where = `[${from}, ${to}] ${before}/${after}`;
          if (end <= first) {
            expect(around.count, where).toBe(0);
            expect(around.candles.time.length, where).toBe(0);
            continue;
          }
          const start = Math.max(0, first - before);
          expect(around, where).toMatchObject({ firstIndex: first, before: first - start, count: end - first });
          const stop = Math.min(N, end + after);
          expect(Array.from(around.candles.time), where).toEqual(Array.from(all.time.subarray(start, stop)));
          expect(Array.from(around.candles.close), where).toEqual(Array.from(all.close.subarray(start, stop)));
        }
    expect(loadCandlesAround(db, datasetId, T0 + MINUTE, T0, { before: 5, after: 5 }).count).toBe(0);
  });
});
