import type { MiniCandles } from '../types';

interface Columns {
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
}

/**
 * Candles `start..=end` as at most `maxBars` OHLC bars for a thumbnail: consecutive candles are
 * merged (first open, highest high, lowest low, last close), so the shape survives downsampling.
 */
export function miniCandles(c: Columns, start: number, end: number, maxBars = 60): MiniCandles {
  const n = end - start + 1;
  const bars = Math.max(1, Math.min(maxBars, n));
  const out: MiniCandles = { open: [], high: [], low: [], close: [] };
  for (let b = 0; b < bars; b++) {
    const from = start + Math.floor((b * n) / bars);
    const to = start + Math.floor(((b + 1) * n) / bars) - 1;
    let high = -Infinity;
    let low = Infinity;
    for (let i = from; i <= to; i++) {
      high = Math.max(high, c.high[i]);
      low = Math.min(low, c.low[i]);
    }
    out.open.push(c.open[from]);
    out.high.push(high);
    out.low.push(low);
    out.close.push(c.close[to]);
  }
  return out;
}
