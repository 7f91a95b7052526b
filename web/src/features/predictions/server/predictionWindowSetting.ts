import 'server-only';
import { DEFAULT_PREDICTION_WINDOW_THRESHOLD } from '../lib/predictionWindow';

/**
 * Above how many candles the model tab predicts the visible range instead of the whole dataset:
 * `CANDLE_PREDICTION_WINDOW_CANDLES` (a positive integer; tests lower it), else the default
 * (lib/predictionWindow.ts). Read per page request, so a server restart picks a new value.
 */
export function predictionWindowThreshold(): number {
  const raw = process.env.CANDLE_PREDICTION_WINDOW_CANDLES;
  if (raw === undefined || raw.trim() === '') return DEFAULT_PREDICTION_WINDOW_THRESHOLD;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`CANDLE_PREDICTION_WINDOW_CANDLES must be a positive integer, got "${raw}"`);
  return n;
}
