import 'server-only';
import path from 'node:path';
import type { Db } from '@/server/db/database';
import { importCsv, type ImportOptions, type ImportResult } from '@/server/engine';
import { ApiError, badRequest } from '@/server/http/apiError';
import { ServerTiming } from '@/server/http/serverTiming';
import type { Dataset, ImportPreview, ImportReport } from '../types';
import type { PreviewQuery, UploadQuery } from '../schemas';
import { getDataset, insertDataset, uniqueDatasetName } from './datasetRepository';
import { stagedUploads, type StagedParse, type StagedReading } from './stagedUploads';
import type { UploadedCsv } from './uploadBody';

/** How many rejected rows are kept with a dataset and returned by a preview. */
const REJECTED_ROWS_KEPT = 200;

/** 400 EMPTY_FILE / NOT_TEXT for a file the engine need not see (its bytes are dropped). */
function assertImportable(file: UploadedCsv): void {
  if (!file.problem) return;
  file.upload.release();
  throw badRequest(file.problem.code, file.problem.message);
}

function assertHasCandles(result: ImportResult): void {
  const total = result.series.reduce((n, s) => n + s.candles.time.length, 0);
  if (total === 0) {
    const why = result.rejected.length
      ? ` All ${result.rejected.length} rows were invalid (first: row ${result.rejected[0].row}: ${result.rejected[0].reason}).`
      : '';
    throw badRequest('NO_CANDLES', `The file has no valid candles.${why}`);
  }
}

function fileBaseName(fileName: string | undefined): string {
  if (!fileName) return 'Uploaded dataset';
  const base = path
    .basename(fileName)
    .replace(/\.(csv|txt|tsv)$/i, '')
    .trim();
  return base || 'Uploaded dataset';
}

/** The importer's options a query carries (how to read the file). */
function readingOptions(query: PreviewQuery) {
  return {
    symbol: query.symbol,
    timeframe: query.timeframe,
    timeFormat: query.timeFormat,
    dayFirst: query.dayFirst,
    decimal: query.decimal,
    thousands: query.thousands as ImportOptions['thousands'],
  };
}

/** The reading options of a query, as a staged parse is keyed (see stagedUploads). */
function stagedReading(query: PreviewQuery): StagedReading {
  return {
    timeFormat: query.timeFormat,
    dayFirst: query.dayFirst,
    decimal: query.decimal,
    thousands: query.thousands,
  };
}

/**
 * Parses an upload without storing anything: what an import would produce. With `owner`, the
 * parse is staged for that user's Import (`stagedId`), so the file need not be sent again.
 */
export async function previewUpload(
  file: UploadedCsv,
  query: PreviewQuery,
  owner?: string,
  timing = new ServerTiming(),
): Promise<ImportPreview> {
  assertImportable(file);
  const result = await timing.measureAsync('import', () =>
    importCsv(file.upload, { ...readingOptions(query), onInvalidRow: 'skip' }),
  );
  assertHasCandles(result);
  const stagedId = owner
    ? stagedUploads().put(owner, stagedReading(query), { result, timeframe: query.timeframe })
    : null;
  return {
    series: result.series.map((s) => {
      const n = s.candles.time.length;
      return {
        symbol: s.symbol ?? null,
        timeframe: s.timeframe ?? null,
        candleCount: n,
        firstTime: n ? s.candles.time[0] : null,
        lastTime: n ? s.candles.time[n - 1] : null,
      };
    }),
    rejectedCount: result.rejected.length,
    rejected: result.rejected.slice(0, REJECTED_ROWS_KEPT),
    detected: result.detected,
    ...(stagedId ? { stagedId } : {}),
  };
}

export interface UploadResult {
  datasets: Dataset[];
  rejectedCount: number;
  rejected: ImportReport['rejected'];
}

/** What one stored series is called and labelled. */
interface SeriesLabels {
  symbol: string | null;
  timeframe: string | null;
}

/**
 * Imports an uploaded CSV through the engine and stores one dataset per series (multi-symbol
 * files give several). With onInvalidRow=fail any invalid row fails the whole upload (400
 * IMPORT_FAILED naming the rows) and nothing is stored.
 */
export async function importUpload(
  db: Db,
  projectId: number,
  file: UploadedCsv,
  query: UploadQuery,
  timing = new ServerTiming(),
): Promise<UploadResult> {
  assertImportable(file);
  const result = await timing.measureAsync('import', () =>
    importCsv(file.upload, { ...readingOptions(query), onInvalidRow: query.onInvalidRow }),
  );
  assertHasCandles(result);
  const labels = result.series.map((s) => ({
    symbol: s.symbol ?? query.symbol ?? null,
    timeframe: s.timeframe ?? query.timeframe ?? null,
  }));
  return storeImport(db, projectId, result, labels, query, timing);
}

function stagedGone(reason: string): ApiError {
  return new ApiError(409, 'STAGED_UPLOAD_GONE', `The previewed file is no longer kept (${reason}); send the file.`);
}

/**
 * Stores the parse a preview staged (`query.staged`), labelled as an import of the file with
 * `query` would label it. 409 STAGED_UPLOAD_GONE when it cannot stand in for that import (expired,
 * used, another user's, read with other options, or one only the engine can answer: rows to
 * refuse with onInvalidRow=fail, a timeframe the parse did not check); the client then sends the
 * file, and the engine decides.
 */
export function importStaged(
  db: Db,
  projectId: number,
  stagedId: string,
  owner: string,
  query: UploadQuery,
  timing = new ServerTiming(),
): UploadResult {
  const taken = stagedUploads().take(stagedId, owner, stagedReading(query));
  if (taken === 'gone') throw stagedGone('expired, used, replaced by a newer preview, or not yours');
  if (taken === 'mismatch') throw stagedGone('it was read with other options');
  if (query.onInvalidRow === 'fail' && taken.result.rejected.length > 0) {
    throw stagedGone('it has invalid rows and onInvalidRow is fail');
  }
  const labels = stagedLabels(taken, query);
  if (!labels) throw stagedGone('the timeframe differs from the previewed one');
  return storeImport(db, projectId, taken.result, labels, query, timing);
}

/**
 * The labels the engine would give each series read with `query` (the staged parse had the same
 * reading options): the symbol option names a file's one series when it has no symbol column;
 * the timeframe option overrides every series' inferred one. Null when the parse cannot tell: a
 * timeframe that is not every series' (the preview neither gave nor inferred it, so the engine has
 * not checked it), or none where the preview gave one (the inferred ones were overridden).
 */
function stagedLabels({ result, timeframe: previewed }: StagedParse, query: UploadQuery): SeriesLabels[] | null {
  const hasSymbolColumn = result.detected.columns.symbol !== undefined;
  const wanted = query.timeframe;
  if (wanted === undefined ? previewed !== undefined : !result.series.every((s) => s.timeframe === wanted)) {
    return null;
  }
  return result.series.map((s) => ({
    symbol: hasSymbolColumn ? (s.symbol ?? null) : (query.symbol ?? null),
    timeframe: s.timeframe ?? null,
  }));
}

/** Stores each series with candles as a dataset, in one transaction. */
function storeImport(
  db: Db,
  projectId: number,
  result: ImportResult,
  labels: SeriesLabels[],
  query: UploadQuery,
  timing: ServerTiming,
): UploadResult {
  const baseName = query.name ?? fileBaseName(query.fileName);
  const kept = result.series.flatMap((s, i) => (s.candles.time.length > 0 ? [{ s, label: labels[i] }] : []));
  const report: ImportReport = {
    fileName: query.fileName,
    onInvalidRow: query.onInvalidRow,
    rejectedCount: result.rejected.length,
    rejected: result.rejected.slice(0, REJECTED_ROWS_KEPT),
    detected: result.detected,
  };
  const ids = timing.measure('store', () =>
    db
      .transaction(() =>
        kept.map(({ s, label }) => {
          const wanted = kept.length > 1 && label.symbol ? `${baseName} ${label.symbol}` : baseName;
          return insertDataset(db, {
            projectId,
            name: uniqueDatasetName(db, projectId, wanted),
            symbol: label.symbol,
            timeframe: label.timeframe,
            sourceFile: query.fileName ?? null,
            candles: s.candles,
            importReport: { ...report, rowsImported: s.candles.time.length },
          });
        }),
      )
      .immediate(),
  );
  return {
    datasets: ids.map((id) => getDataset(db, id)),
    rejectedCount: result.rejected.length,
    rejected: report.rejected,
  };
}
