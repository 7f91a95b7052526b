import { upperBound } from '@/features/annotations';

/**
 * The bars on the chart, as columns (times in epoch ms). A bar is one candle, or — at wide zoom
 * on big datasets — an OHLC aggregate of `size` candles from `time` to `endTime`.
 */
export interface ChartBars {
  time: number[];
  endTime: number[];
  size: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/** One bar as the legend shows it. */
export interface BarReadout {
  index: number;
  time: number;
  endTime: number;
  size: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Change from the previous bar's close, in percent (null for the first bar). */
  changePct: number | null;
}

/** The readout of bar `index`, or null outside the data. */
export function barReadout(b: ChartBars, index: number): BarReadout | null {
  if (index < 0 || index >= b.time.length) return null;
  const prev = index > 0 ? b.close[index - 1] : null;
  return {
    index,
    time: b.time[index],
    endTime: b.endTime[index],
    size: b.size[index],
    open: b.open[index],
    high: b.high[index],
    low: b.low[index],
    close: b.close[index],
    volume: b.volume[index],
    changePct: prev ? ((b.close[index] - prev) / prev) * 100 : null,
  };
}

export const emptyBars = (): ChartBars => ({
  time: [],
  endTime: [],
  size: [],
  open: [],
  high: [],
  low: [],
  close: [],
  volume: [],
});

/** Index of the bar containing time t (the last bar starting at or before t), or -1. */
export function barIndexAt(bars: Pick<ChartBars, 'time'>, t: number): number {
  return upperBound(bars.time, t) - 1;
}

/**
 * The bars a span [start, end] covers, as an inclusive index range clipped to the data, or null
 * when it covers none (entirely outside, or inside a gap between bars).
 */
export function barRangeOf(
  bars: Pick<ChartBars, 'time' | 'endTime'>,
  start: number,
  end: number,
): { from: number; to: number } | null {
  const n = bars.time.length;
  if (n === 0 || end < bars.time[0] || start > bars.endTime[n - 1]) return null;
  let from = barIndexAt(bars, start);
  if (from < 0) from = 0;
  else if (bars.endTime[from] < start) from += 1; // start falls in the gap after bar `from`
  const to = barIndexAt(bars, end);
  if (to < from) return null;
  return { from, to };
}

/** The time range of bars [a, b] (either order): first bar's start to last bar's end. */
export function timeRangeOfBars(
  bars: Pick<ChartBars, 'time' | 'endTime'>,
  a: number,
  b: number,
): { start: number; end: number } {
  const from = Math.max(0, Math.min(a, b));
  const to = Math.min(bars.time.length - 1, Math.max(a, b));
  return { start: bars.time[from], end: bars.endTime[to] };
}
