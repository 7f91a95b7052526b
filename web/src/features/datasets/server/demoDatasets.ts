import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '@/server/db/database';
import { importCsvFile } from '@/server/engine';
import { samplesDir } from '@/server/paths';
import { insertDataset, uniqueDatasetName } from './datasetRepository';

/** Names and metadata of the real sample files in data/samples (see its PROVENANCE.md). */
export const KNOWN_SAMPLES: Record<string, { name: string; symbol: string; timeframe: string }> = {
  'aapl_daily.csv': { name: 'AAPL daily (demo)', symbol: 'AAPL', timeframe: '1d' },
  'goog_daily.csv': { name: 'GOOG daily (demo)', symbol: 'GOOG', timeframe: '1d' },
  'ibm_daily.csv': { name: 'IBM daily (demo)', symbol: 'IBM', timeframe: '1d' },
  'msft_daily.csv': { name: 'MSFT daily (demo)', symbol: 'MSFT', timeframe: '1d' },
  'sp500_daily_yahoo.csv': { name: 'S&P 500 daily (demo)', symbol: 'SPX', timeframe: '1d' },
  'nasdaq_daily_yahoo.csv': { name: 'NASDAQ Composite daily (demo)', symbol: 'IXIC', timeframe: '1d' },
  'eurusd_1h_ask.csv': { name: 'EUR/USD 1h (demo)', symbol: 'EURUSD', timeframe: '1h' },
  'btcusd_1h_coinbase.csv': { name: 'BTC/USD 1h (demo)', symbol: 'BTCUSD', timeframe: '1h' },
};

const SEEDED_KEY = 'demo_datasets_seeded';

export function demoDataEnabled(): boolean {
  const v = (process.env.CANDLE_DEMO_DATA ?? '').toLowerCase();
  return !(v === '0' || v === 'off' || v === 'false' || v === 'no');
}

function describeSample(file: string): { name: string; symbol: string; timeframe?: string } {
  const known = KNOWN_SAMPLES[file];
  if (known) return known;
  const stem = file.replace(/\.csv$/i, '');
  const symbol = stem.split(/[_\-.]/)[0].toUpperCase();
  return { name: `${stem} (demo)`, symbol };
}

/**
 * Seeds the sample CSVs as demo datasets on the first start. Idempotent: each file is stored at
 * most once (unique demo_key), and once seeding finished it is recorded, so demo datasets the
 * user deleted do not come back.
 */
export async function seedDemoDatasets(db: Db, projectId: number): Promise<number> {
  if (db.prepare('SELECT 1 FROM app_meta WHERE key = ?').get(SEEDED_KEY)) return 0;
  const dir = samplesDir();
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.toLowerCase().endsWith('.csv'))
        .sort()
    : [];
  let added = 0;
  for (const file of files) {
    if (db.prepare('SELECT 1 FROM datasets WHERE demo_key = ?').get(file)) continue;
    const meta = describeSample(file);
    try {
      const result = await importCsvFile(path.join(dir, file), {
        onInvalidRow: 'skip',
        symbol: meta.symbol,
        timeframe: meta.timeframe,
      });
      const series = result.series.find((s) => s.candles.time.length > 0);
      if (!series) continue;
      db.transaction(() => {
        if (db.prepare('SELECT 1 FROM datasets WHERE demo_key = ?').get(file)) return;
        insertDataset(db, {
          projectId,
          name: uniqueDatasetName(db, projectId, meta.name),
          symbol: series.symbol ?? meta.symbol,
          timeframe: series.timeframe ?? meta.timeframe ?? null,
          sourceFile: `data/samples/${file}`,
          candles: series.candles,
          importReport: {
            fileName: file,
            onInvalidRow: 'skip',
            rowsImported: series.candles.time.length,
            rejectedCount: result.rejected.length,
            rejected: result.rejected.slice(0, 200),
            detected: result.detected,
          },
          demoKey: file,
        });
        added++;
      }).immediate();
    } catch (error) {
      console.error(`[demo] could not import sample ${file}:`, error);
    }
  }
  db.prepare('INSERT OR REPLACE INTO app_meta (key, value) VALUES (?, ?)').run(SEEDED_KEY, String(Date.now()));
  return added;
}

// One seeding per process at a time; later calls reuse the finished promise.
const holder = globalThis as unknown as { __candleDemoSeed?: { db: Db; promise: Promise<number> } };

export function ensureDemoDatasets(db: Db, projectId: number): Promise<number> {
  if (!demoDataEnabled()) return Promise.resolve(0);
  if (holder.__candleDemoSeed?.db === db) return holder.__candleDemoSeed.promise;
  const promise = seedDemoDatasets(db, projectId);
  holder.__candleDemoSeed = { db, promise };
  promise.catch(() => {
    holder.__candleDemoSeed = undefined;
  });
  return promise;
}
