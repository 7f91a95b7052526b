import { describe, expect, it } from 'vitest';
import { miniCandles } from './miniCandles';

const columns = (n: number) => {
  const close = Array.from({ length: n }, (_, i) => 100 + i);
  return {
    open: close.map((c) => c - 0.5),
    high: close.map((c) => c + 1),
    low: close.map((c) => c - 1),
    close,
  };
};

describe('miniCandles', () => {
  it('keeps every candle of a short window', () => {
    const m = miniCandles(columns(10), 2, 5);
    expect(m.close).toEqual([102, 103, 104, 105]);
    expect(m.open).toEqual([101.5, 102.5, 103.5, 104.5]);
  });

  it('merges candles into OHLC buckets: first open, extreme high/low, last close', () => {
    const m = miniCandles(columns(200), 0, 199, 50);
    expect(m.close).toHaveLength(50);
    expect(m.open[0]).toBe(99.5);
    expect(m.close[0]).toBe(103);
    expect(m.high[0]).toBe(104);
    expect(m.low[0]).toBe(99);
    expect(m.close[49]).toBe(299);
  });
});
