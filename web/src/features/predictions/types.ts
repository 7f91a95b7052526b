import type { Prediction as EnginePrediction } from '@/server/engine';

/**
 * An uncertain region a person has looked at ("next uncertain"), kept per dataset and model
 * version: `candleIndex` is the candidate's candle in the dataset, `startTime`/`endTime` the
 * epoch-ms range that was shown.
 */
export interface ReviewedRegion {
  candleIndex: number;
  startTime: number;
  endTime: number;
  reviewedAt: number;
}

/**
 * What `/api/predict` with a stored dataset answers, as the server types it: the client reads
 * these, never its own copies. The registry's own types (versions, model cards) are the models feature's.
 */
export type { Prediction, PerCandleRows } from '@/server/engine';

/** `/api/predict` over a stored dataset; the range fields are there when a time range was asked for. */
export type DatasetPrediction = EnginePrediction & {
  candleCount: number;
  /** The range's candle times: span indices and per-candle rows refer to them. */
  candleTimes?: number[];
  /** The index of the range's first candle in the whole dataset. */
  firstIndex?: number;
  /** Candles before the range the model's features were computed over. */
  warmupCandles?: number;
};
