import 'server-only';
import path from 'node:path';
import type { Db } from '@/server/db/database';
import * as engine from '@/server/engine';
import type { CandleColumns, Prediction } from '@/server/engine';
import { ApiError } from '@/server/http/apiError';
import { getDataset } from '@/features/datasets/server/datasetRepository';
import { loadCandleColumns } from '@/features/datasets/server/candleRepository';
import type { PredictBody, PredictOptionsInput } from '../schemas';
import { modelsDir } from './registry';

/** Engine codes that mean the request itself was bad (400). */
const INPUT_CODES = new Set(['INVALID_CANDLES', 'INVALID_CONFIG', 'INVALID_ARGUMENT', 'TOO_FEW_CANDLES']);

/**
 * An engine error as the API reports it: input codes 400 (the engine's message, which says what
 * is wrong), MODEL_NOT_FOUND 404, NO_MODEL 409; anything else 500 with a fixed message (logged).
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string') {
    if (INPUT_CODES.has(code)) return new ApiError(400, code, message);
    if (code === 'MODEL_NOT_FOUND') return new ApiError(404, code, stripPaths(message));
    if (code === 'NO_MODEL') return new ApiError(409, code, 'No model has been trained yet: train one, then predict.');
  }
  console.error('[api/predict] engine error', error);
  if (code === 'CORRUPT_MODEL') return new ApiError(500, code, 'The model could not be loaded (its files are corrupt or unreadable); see the server log.');
  return new ApiError(500, 'INTERNAL', 'Internal server error; see the server log.');
}

/** Drops absolute file paths from an engine message before it leaves the server. */
function stripPaths(message: string): string {
  return message.replace(/\s*\((?:registry|in|at)\s+\/[^)]*\)/g, '').replace(/\/[\w./-]+/g, '…');
}

/** JSON columns (null = NaN) as engine Float64Array columns. */
export function toColumns(c: Record<'time' | 'open' | 'high' | 'low' | 'close' | 'volume', Array<number | null>>): CandleColumns {
  const col = (xs: Array<number | null>) => Float64Array.from(xs, (x) => (x === null ? Number.NaN : x));
  return { time: col(c.time), open: col(c.open), high: col(c.high), low: col(c.low), close: col(c.close), volume: col(c.volume) };
}

/** The candles of a stored dataset with time in [from, to] (404 for an unknown dataset). */
export function loadDatasetCandles(db: Db, datasetId: number, from?: number, to?: number): CandleColumns {
  getDataset(db, datasetId);
  return loadCandleColumns(db, datasetId, from, to);
}

function engineOptions(options: PredictOptionsInput | undefined): engine.PredictOptions {
  return { ...(options ?? {}), registry: modelsDir() };
}

/** The candles a request names; `db` is opened only for dataset requests. */
export function candlesOf(body: PredictBody, db: () => Db): CandleColumns {
  return 'candles' in body ? toColumns(body.candles) : loadDatasetCandles(db(), body.datasetId, body.from, body.to);
}

export type PredictResponse = Prediction & { candleCount: number; datasetId?: number };

export async function predictOne(body: PredictBody, db: () => Db): Promise<PredictResponse> {
  const candles = candlesOf(body, db);
  try {
    const prediction = await engine.predict(candles, engineOptions(body.options));
    return { ...prediction, candleCount: candles.time.length, ...('datasetId' in body ? { datasetId: body.datasetId } : {}) };
  } catch (error) {
    throw toApiError(error);
  }
}

export type BatchItem = PredictResponse | { error: { code: string; message: string } };

/** One result per request, in order: a prediction or `{ error: { code, message } }`. */
export async function predictMany(bodies: PredictBody[], db: () => Db): Promise<BatchItem[]> {
  const results: BatchItem[] = new Array(bodies.length);
  const pending: Array<{ index: number; candles: CandleColumns; body: PredictBody }> = [];
  bodies.forEach((body, index) => {
    try {
      pending.push({ index, candles: candlesOf(body, db), body });
    } catch (error) {
      const e = toApiError(error);
      results[index] = { error: { code: e.code, message: e.message } };
    }
  });
  let out: engine.BatchItemResult[] = [];
  if (pending.length) try {
    out = await engine.predictBatch(pending.map((p) => ({ candles: p.candles, options: engineOptions(p.body.options) })));
  } catch (error) {
    throw toApiError(error);
  }
  pending.forEach((p, i) => {
    const r = out[i];
    if ('error' in r) {
      const e = toApiError(Object.assign(new Error(r.error.message), { code: r.error.code }));
      results[p.index] = { error: { code: e.code, message: e.message } };
    } else {
      results[p.index] = { ...r, candleCount: p.candles.time.length, ...('datasetId' in p.body ? { datasetId: p.body.datasetId } : {}) };
    }
  });
  return results;
}

export async function describeModel(versionOrAlias: string) {
  try {
    const info = await engine.modelInfo(versionOrAlias, modelsDir());
    // Plot files by name only: server paths stay on the server.
    return { ...info, plots: info.plots.map((p) => path.basename(p)) };
  } catch (error) {
    throw toApiError(error);
  }
}

export async function listModelVersions() {
  try {
    return await engine.listModels(modelsDir());
  } catch (error) {
    throw toApiError(error);
  }
}
