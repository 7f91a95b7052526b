import 'server-only';
import path from 'node:path';
import type { Db } from '@/server/db/database';
import { importCsv, type ImportOptions, type ImportResult } from '@/server/engine';
import { badRequest } from '@/server/http/apiError';
import { ServerTiming } from '@/server/http/serverTiming';
import { checkUploadBytes } from '../lib/uploadChecks';
import type { Dataset, ImportPreview, ImportReport } from '../types';
import type { UploadQuery } from '../schemas';
import { getDataset, insertDataset, uniqueDatasetName } from './datasetRepository';

/** How many rejected rows are kept with a dataset and returned by a preview. */
const REJECTED_ROWS_KEPT = 200;

function assertImportable(bytes: Buffer): void {
  const problem = checkUploadBytes(bytes);
  if (problem) throw badRequest(problem.code, problem.message);
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
function readingOptions(query: UploadQuery) {
  return {
    symbol: query.symbol,
    timeframe: query.timeframe,
    timeFormat: query.timeFormat,
    dayFirst: query.dayFirst,
    decimal: query.decimal,
    thousands: query.thousands as ImportOptions['thousands'],
  };
}

/** Parses an upload without storing anything: what an import would produce. */
export async function previewUpload(bytes: Buffer, query: UploadQuery): Promise<ImportPreview> {
  assertImportable(bytes);
  const result = await importCsv(bytes, { ...readingOptions(query), onInvalidRow: 'skip' });
  assertHasCandles(result);
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
  };
}

export interface UploadResult {
  datasets: Dataset[];
  rejectedCount: number;
  rejected: ImportReport['rejected'];
}

/**
 * Imports an uploaded CSV through the engine and stores one dataset per series (multi-symbol
 * files give several). With onInvalidRow=fail any invalid row fails the whole upload (400
 * IMPORT_FAILED naming the rows) and nothing is stored.
 */
export async function importUpload(
  db: Db,
  projectId: number,
  bytes: Buffer,
  query: UploadQuery,
  timing = new ServerTiming(),
): Promise<UploadResult> {
  assertImportable(bytes);
  const result = await timing.measureAsync('import', () =>
    importCsv(bytes, { ...readingOptions(query), onInvalidRow: query.onInvalidRow }),
  );
  assertHasCandles(result);
  const baseName = query.name ?? fileBaseName(query.fileName);
  const series = result.series.filter((s) => s.candles.time.length > 0);
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
        series.map((s) => {
          const symbol = s.symbol ?? query.symbol ?? null;
          const wanted = series.length > 1 && symbol ? `${baseName} ${symbol}` : baseName;
          return insertDataset(db, {
            projectId,
            name: uniqueDatasetName(db, projectId, wanted),
            symbol,
            timeframe: s.timeframe ?? query.timeframe ?? null,
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
