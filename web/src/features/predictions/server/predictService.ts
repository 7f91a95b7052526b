import 'server-only';
import type { Db } from '@/server/db/database';
import * as engine from '@/server/engine';
import type { CandleColumns, Prediction } from '@/server/engine';
import { ApiError } from '@/server/http/apiError';
import { engineApiError } from '@/server/http/engineErrors';
import { loadCandleColumns, loadCandlesAround, requireDataset } from '@/features/datasets/server';
import type { CandleColumnsInput, PredictBody, PredictOptionsInput } from '../schemas';
import { modelsDir, noteFallback } from '@/features/models/server';

/**
 * An engine error as the API reports it (server/http/engineErrors.ts: input codes 400,
 * MODEL_NOT_FOUND 404, NO_MODEL 409, CORRUPT_MODEL 500); anything else 500 INTERNAL (logged).
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const mapped = engineApiError(error);
  if (mapped) return mapped;
  console.error('[api/predict] unexpected error', error);
  return new ApiError(500, 'INTERNAL', 'Internal server error; see the server log.');
}

/** Candle columns as engine Float64Array columns: Float64Arrays as they are, plain arrays converted (null = NaN). */
export function toColumns(c: CandleColumnsInput): CandleColumns {
  const col = (xs: Float64Array | ReadonlyArray<number | null>) =>
    xs instanceof Float64Array ? xs : Float64Array.from(xs, (x) => (x === null ? Number.NaN : x));
  return {
    time: col(c.time),
    open: col(c.open),
    high: col(c.high),
    low: col(c.low),
    close: col(c.close),
    volume: col(c.volume),
  };
}

/** The candles of a stored dataset with time in [from, to] (404 for an unknown dataset). */
export function loadDatasetCandles(db: Db, datasetId: number, from?: number, to?: number): CandleColumns {
  requireDataset(db, datasetId);
  return loadCandleColumns(db, datasetId, from, to);
}

/**
 * The engine's options for what `scored` holds: for a dataset range, its candles are the focus
 * (the engine scores the context only as far as the spans overlapping the range reach, and
 * leaves out the spans that do not).
 */
function engineOptions(options: PredictOptionsInput | undefined, scored: Scored): engine.PredictOptions {
  const focus =
    scored.range && (scored.before > 0 || scored.after > 0)
      ? { focus: { start: scored.before, count: scored.range.times.length } }
      : {};
  return { ...(options ?? {}), registry: modelsDir(), ...focus };
}

/** The candles a request names; `db` is opened only for dataset requests. */
export function candlesOf(body: PredictBody, db: () => Db): CandleColumns {
  return 'candles' in body ? toColumns(body.candles) : loadDatasetCandles(db(), body.datasetId, body.from, body.to);
}

/**
 * Candles read beyond a range's edges besides the model's `minCandles`: indicators with memory
 * (EMA, Wilder's RSI/ATR) settle within a few hundred candles, and the window model looks ahead
 * of a candle, so with this much context the range's edge candles score as over the whole dataset
 * (tests/api/predictions.test.ts checks it).
 */
const EDGE_CONTEXT_CANDLES = 256;

/**
 * What the engine scores for a request: its candles, and for a stored dataset's time range the
 * context around it (the model's feature warm-up and EDGE_CONTEXT_CANDLES before `from`, look-ahead
 * after `to`), scored with it and dropped from the answer.
 */
interface Scored {
  candles: CandleColumns;
  /** Context candles before / after the range. */
  before: number;
  after: number;
  /** A dataset range: its candle times (the answer's indices refer to them) and its first candle's index in the dataset. */
  range?: { times: Float64Array; firstIndex: number };
}

async function scoredCandles(body: PredictBody, db: () => Db): Promise<Scored> {
  if ('candles' in body || (body.from === undefined && body.to === undefined))
    return { candles: candlesOf(body, db), before: 0, after: 0 };
  requireDataset(db(), body.datasetId);
  // Without `from` the range starts at the dataset's first candle: there is no history to read
  // before it, so the model's warm-up need not be asked for.
  let minCandles = 0;
  if (body.from !== undefined)
    try {
      minCandles = (await engine.modelRequirements(body.options?.model ?? 'champion', modelsDir())).minCandles;
    } catch (error) {
      throw toApiError(error);
    }
  const around = loadCandlesAround(
    db(),
    body.datasetId,
    body.from ?? Number.MIN_SAFE_INTEGER,
    body.to ?? Number.MAX_SAFE_INTEGER,
    { before: minCandles + EDGE_CONTEXT_CANDLES, after: EDGE_CONTEXT_CANDLES },
  );
  const { candles, before, count } = around;
  if (count === 0) return { candles, before: 0, after: 0, range: { times: candles.time, firstIndex: 0 } };
  return {
    candles,
    before,
    after: candles.time.length - before - count,
    range: { times: candles.time.subarray(before, before + count), firstIndex: around.firstIndex },
  };
}

/**
 * A prediction over context + range as one over the range: indices from the range's first candle,
 * spans reaching into the context clipped at the range's edges (the range is what was asked for).
 */
function dropContext(prediction: Prediction, scored: Scored): Prediction {
  const { before, range } = scored;
  if (!range || (scored.before === 0 && scored.after === 0)) return prediction;
  const n = range.times.length;
  const spans = prediction.spans
    .filter((s) => s.end >= before && s.start < before + n)
    .map((s) => {
      const start = s.start - before;
      const end = s.end - before;
      return {
        ...s,
        start: Math.max(0, start),
        startTime: start < 0 ? range.times[0] : s.startTime,
        end: Math.min(n - 1, end),
        endTime: end > n - 1 ? range.times[n - 1] : s.endTime,
      };
    });
  const c = prediction.perCandle;
  const perCandle = c && {
    classNames: c.classNames,
    probabilities: c.probabilities.slice(before, before + n),
    entropy: c.entropy.slice(before, before + n),
    margin: c.margin.slice(before, before + n),
  };
  return { ...prediction, spans, ...(perCandle ? { perCandle } : {}) };
}

export type PredictResponse = Prediction & {
  candleCount: number;
  datasetId?: number;
  /** A dataset range: the times of its candles (what span indices and per-candle rows refer to). */
  candleTimes?: number[];
  /** A dataset range: the index of its first candle in the whole dataset. */
  firstIndex?: number;
  /** A dataset range: candles before `from` the features were computed over (not in the answer). */
  warmupCandles?: number;
};

function response(prediction: Prediction, scored: Scored, body: PredictBody): PredictResponse {
  return {
    ...dropContext(prediction, scored),
    candleCount: scored.candles.time.length - scored.before - scored.after,
    ...('datasetId' in body ? { datasetId: body.datasetId } : {}),
    ...(scored.range
      ? {
          candleTimes: Array.from(scored.range.times),
          firstIndex: scored.range.firstIndex,
          warmupCandles: scored.before,
        }
      : {}),
  };
}

export async function predictOne(body: PredictBody, db: () => Db): Promise<PredictResponse> {
  const scored = await scoredCandles(body, db);
  try {
    return response(
      noteFallback(await engine.predict(scored.candles, engineOptions(body.options, scored))),
      scored,
      body,
    );
  } catch (error) {
    throw toApiError(error);
  }
}

export type BatchItem = PredictResponse | { error: { code: string; message: string } };

/** One result per request, in order: a prediction or `{ error: { code, message } }`. */
export async function predictMany(bodies: PredictBody[], db: () => Db): Promise<BatchItem[]> {
  const results: BatchItem[] = new Array(bodies.length);
  const pending: Array<{ index: number; scored: Scored; body: PredictBody }> = [];
  for (const [index, body] of bodies.entries()) {
    try {
      pending.push({ index, scored: await scoredCandles(body, db), body });
    } catch (error) {
      const e = toApiError(error);
      results[index] = { error: { code: e.code, message: e.message } };
    }
  }
  let out: engine.BatchItemResult[] = [];
  if (pending.length)
    try {
      out = await engine.predictBatch(
        pending.map((p) => ({ candles: p.scored.candles, options: engineOptions(p.body.options, p.scored) })),
      );
    } catch (error) {
      throw toApiError(error);
    }
  pending.forEach((p, i) => {
    const r = out[i];
    if ('error' in r) {
      const e = toApiError(Object.assign(new Error(r.error.message), { code: r.error.code }));
      results[p.index] = { error: { code: e.code, message: e.message } };
    } else {
      results[p.index] = response(noteFallback(r), p.scored, p.body);
    }
  });
  return results;
}
