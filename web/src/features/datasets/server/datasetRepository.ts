import 'server-only';
import type { Db } from '@/server/db/database';
import { preparedOnce } from '@/server/db/preparedOnce';
import type { CandleColumns } from '@/server/engine';
import { conflict, notFound } from '@/server/http/apiError';
import type { Dataset, ImportReport } from '../types';
import { insertCandles } from './candleRepository';

interface DatasetRow {
  id: number;
  project_id: number;
  name: string;
  symbol: string | null;
  timeframe: string | null;
  source_file: string | null;
  candle_count: number;
  first_time: number | null;
  last_time: number | null;
  import_report: string;
  demo_key: string | null;
  annotation_count: number;
  created_at: number;
  updated_at: number;
}

const SELECT = `
  SELECT d.*, (SELECT COUNT(*) FROM annotations a WHERE a.dataset_id = d.id AND a.deleted_at IS NULL) AS annotation_count
  FROM datasets d`;

function toDataset(r: DatasetRow): Dataset {
  let importReport: ImportReport;
  try {
    importReport = JSON.parse(r.import_report) as ImportReport;
  } catch {
    importReport = {};
  }
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    symbol: r.symbol,
    timeframe: r.timeframe,
    sourceFile: r.source_file,
    candleCount: r.candle_count,
    firstTime: r.first_time,
    lastTime: r.last_time,
    isDemo: r.demo_key !== null,
    annotationCount: r.annotation_count,
    importReport,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function listDatasets(db: Db, projectId: number): Dataset[] {
  return (
    db.prepare(`${SELECT} WHERE d.project_id = ? ORDER BY d.name COLLATE NOCASE`).all(projectId) as DatasetRow[]
  ).map(toDataset);
}

export function getDataset(db: Db, id: number): Dataset {
  // Most dataset routes ask this first: compiled once per connection.
  const row = preparedOnce(db, `${SELECT} WHERE d.id = ?`).get(id) as DatasetRow | undefined;
  if (!row) throw notFound('Dataset', id);
  return toDataset(row);
}

/**
 * 404 unless dataset `id` exists: for the routes that only read its candles (the chart's candles
 * query, a range's predictions), which need neither its annotation count nor its import report.
 */
export function requireDataset(db: Db, id: number): void {
  if (!preparedOnce(db, 'SELECT 1 FROM datasets WHERE id = ?').get(id)) throw notFound('Dataset', id);
}

export function findDatasetByName(db: Db, projectId: number, name: string): Dataset | undefined {
  const row = db.prepare(`${SELECT} WHERE d.project_id = ? AND d.name = ? COLLATE NOCASE`).get(projectId, name) as
    DatasetRow | undefined;
  return row ? toDataset(row) : undefined;
}

/** `base`, or `base (2)`, `base (3)`… — the first name not used in the project. */
export function uniqueDatasetName(db: Db, projectId: number, base: string): string {
  const taken = db.prepare('SELECT 1 FROM datasets WHERE project_id = ? AND name = ? COLLATE NOCASE').pluck();
  if (!taken.get(projectId, base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base} (${i})`;
    if (!taken.get(projectId, candidate)) return candidate;
  }
}

export interface NewDataset {
  projectId: number;
  name: string;
  symbol: string | null;
  timeframe: string | null;
  sourceFile: string | null;
  candles: CandleColumns;
  importReport: ImportReport;
  demoKey?: string;
}

/** Inserts the dataset row and all its candles in the caller's transaction. */
export function insertDataset(db: Db, d: NewDataset): number {
  const now = Date.now();
  const n = d.candles.time.length;
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO datasets (project_id, name, symbol, timeframe, source_file, candle_count, first_time, last_time, import_report, demo_key, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      d.projectId,
      d.name,
      d.symbol,
      d.timeframe,
      d.sourceFile,
      n,
      n ? d.candles.time[0] : null,
      n ? d.candles.time[n - 1] : null,
      JSON.stringify(d.importReport),
      d.demoKey ?? null,
      now,
      now,
    );
  const id = Number(lastInsertRowid);
  insertCandles(db, id, d.candles);
  return id;
}

export function updateDataset(
  db: Db,
  id: number,
  patch: { name?: string; symbol?: string | null; timeframe?: string | null },
): Dataset {
  return db
    .transaction(() => {
      const current = getDataset(db, id);
      if (patch.name !== undefined && patch.name.toLowerCase() !== current.name.toLowerCase()) {
        const clash = findDatasetByName(db, current.projectId, patch.name);
        if (clash) throw conflict('NAME_TAKEN', `A dataset called "${clash.name}" already exists.`);
      }
      db.prepare('UPDATE datasets SET name = ?, symbol = ?, timeframe = ?, updated_at = ? WHERE id = ?').run(
        patch.name ?? current.name,
        patch.symbol === undefined ? current.symbol : patch.symbol || null,
        patch.timeframe === undefined ? current.timeframe : patch.timeframe || null,
        Date.now(),
        id,
      );
      return getDataset(db, id);
    })
    .immediate();
}

/** Deletes a dataset with its candles, annotations and auto-label runs (ON DELETE CASCADE). */
export function deleteDataset(db: Db, id: number): void {
  db.transaction(() => {
    getDataset(db, id);
    db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
  }).immediate();
}
