/**
 * Which candles the model tab asks predictions for. A dataset of at most `threshold` candles is
 * predicted whole (spans, strip and active learning over every candle). A bigger one is predicted
 * in windows that follow the view: scoring 10M candles takes seconds and answers hundreds of MB,
 * while a window of the view plus a margin answers in a fraction of a second. Times are epoch ms.
 */

/** Above this many candles predictions follow the visible range (measured: bench/scale, README). */
export const DEFAULT_PREDICTION_WINDOW_THRESHOLD = 200_000;

/**
 * Most candles one window asks for. A view of raw candles holds at most ≈ 3,000 (the chart's raw
 * window, CandleFeed), so 20,000 covers it with its margins; a zoomed-out view gets predictions for
 * this many candles around its centre. Measured (bench/scale): a window of 200,000 candles took
 * ≈ 6.6 s from a pan to predictions shown on this machine, one of a few hundred candles ≈ 0.3 s.
 */
export const MAX_WINDOW_CANDLES = 20_000;

/** The size of the windows a dataset above `threshold` is predicted in. */
export function windowCandles(threshold: number): number {
  return Math.min(threshold, MAX_WINDOW_CANDLES);
}

export interface TimeRange {
  from: number;
  to: number;
}

/** What the window logic needs of the open dataset. */
export interface DatasetExtent {
  candleCount: number;
  firstTime: number;
  lastTime: number;
}

export function isWindowed(extent: DatasetExtent, threshold: number): boolean {
  return extent.candleCount > threshold;
}

/** The time one candle takes on average (gaps included): how a time range is sized in candles. */
function candleStep(extent: DatasetExtent): number {
  return extent.candleCount > 1 ? (extent.lastTime - extent.firstTime) / (extent.candleCount - 1) : 1;
}

function clamp(range: TimeRange, extent: DatasetExtent): TimeRange {
  return { from: Math.max(extent.firstTime, range.from), to: Math.min(extent.lastTime, range.to) };
}

function around(center: number, width: number): TimeRange {
  return { from: center - width / 2, to: center + width / 2 };
}

/**
 * The range that must be predicted for `visible` to count as covered: the view itself, or, when
 * the view holds more than half a window of candles (zoomed far out), the middle half-window of it.
 */
export function requiredRange(visible: TimeRange, extent: DatasetExtent, maxCandles: number): TimeRange {
  const maxWidth = maxCandles * candleStep(extent);
  const width = visible.to - visible.from;
  if (2 * width <= maxWidth) return clamp(visible, extent);
  return clamp(around((visible.from + visible.to) / 2, Math.min(width, maxWidth / 2)), extent);
}

/**
 * The range to request for `visible`: the view with half its width on each side (so a pan of up
 * to half a screen needs no request), at most `maxCandles` candles around the view's centre.
 */
export function rangeToLoad(visible: TimeRange, extent: DatasetExtent, maxCandles: number): TimeRange {
  const maxWidth = maxCandles * candleStep(extent);
  const width = visible.to - visible.from;
  return clamp(around((visible.from + visible.to) / 2, Math.min(2 * width, maxWidth)), extent);
}

export function contains(outer: TimeRange, inner: TimeRange): boolean {
  return outer.from <= inner.from && inner.to <= outer.to;
}

/** Whether the view needs a new request: nothing loaded (or asked for) yet covers what it must show. */
export function needsLoad(
  visible: TimeRange,
  loaded: TimeRange | null,
  extent: DatasetExtent,
  maxCandles: number,
): boolean {
  return loaded === null || !contains(loaded, requiredRange(visible, extent, maxCandles));
}
