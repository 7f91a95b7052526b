import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PREDICTION_WINDOW_THRESHOLD,
  isWindowed,
  MAX_WINDOW_CANDLES,
  needsLoad,
  rangeToLoad,
  requiredRange,
  windowCandles,
  type DatasetExtent,
} from './predictionWindow';

const MIN = 60_000;
// 10M one-minute candles from t = 0.
const big: DatasetExtent = { candleCount: 10_000_000, firstTime: 0, lastTime: (10_000_000 - 1) * MIN };
const cap = 200_000;

describe('isWindowed', () => {
  it('predicts datasets up to the threshold whole, bigger ones in windows', () => {
    expect(isWindowed({ ...big, candleCount: DEFAULT_PREDICTION_WINDOW_THRESHOLD }, cap)).toBe(false);
    expect(isWindowed({ ...big, candleCount: DEFAULT_PREDICTION_WINDOW_THRESHOLD + 1 }, cap)).toBe(true);
  });
});

describe('windowCandles', () => {
  it('asks for at most MAX_WINDOW_CANDLES, fewer when the threshold is lower', () => {
    expect(windowCandles(DEFAULT_PREDICTION_WINDOW_THRESHOLD)).toBe(MAX_WINDOW_CANDLES);
    expect(windowCandles(5_000)).toBe(5_000);
  });
});

describe('rangeToLoad', () => {
  it('loads the view with half its width on each side', () => {
    const visible = { from: 1_000_000 * MIN, to: 1_001_000 * MIN };
    expect(rangeToLoad(visible, big, cap)).toEqual({ from: 999_500 * MIN, to: 1_001_500 * MIN });
  });
  it('loads at most maxCandles candles, around the centre of a zoomed-out view', () => {
    const visible = { from: 0, to: 5_000_000 * MIN };
    expect(rangeToLoad(visible, big, cap)).toEqual({ from: 2_400_000 * MIN, to: 2_600_000 * MIN });
  });
  it('stays inside the dataset at its edges', () => {
    const visible = { from: 0, to: 1000 * MIN };
    expect(rangeToLoad(visible, big, cap)).toEqual({ from: 0, to: 1500 * MIN });
    const end = { from: big.lastTime - 1000 * MIN, to: big.lastTime + 50 * MIN };
    expect(rangeToLoad(end, big, cap).to).toBe(big.lastTime);
  });
});

describe('needsLoad', () => {
  const visible = { from: 1_000_000 * MIN, to: 1_001_000 * MIN };
  const loaded = rangeToLoad(visible, big, cap);
  it('requests when nothing is loaded', () => {
    expect(needsLoad(visible, null, big, cap)).toBe(true);
  });
  it('needs no request while the view stays inside what is loaded (a pan of up to half a screen)', () => {
    expect(needsLoad(visible, loaded, big, cap)).toBe(false);
    const panned = { from: visible.from + 500 * MIN, to: visible.to + 500 * MIN };
    expect(needsLoad(panned, loaded, big, cap)).toBe(false);
  });
  it('requests when the view leaves what is loaded (a pan far away, or a zoom out)', () => {
    const far = { from: 5_000_000 * MIN, to: 5_001_000 * MIN };
    expect(needsLoad(far, loaded, big, cap)).toBe(true);
    const zoomedOut = { from: 990_000 * MIN, to: 1_010_000 * MIN };
    expect(needsLoad(zoomedOut, loaded, big, cap)).toBe(true);
  });
  it('zoomed out beyond the cap, the middle of the view must be covered, not all of it', () => {
    const wide = { from: 0, to: 5_000_000 * MIN };
    const around = rangeToLoad(wide, big, cap);
    expect(needsLoad(wide, around, big, cap)).toBe(false);
    expect(requiredRange(wide, big, cap)).toEqual({ from: 2_450_000 * MIN, to: 2_550_000 * MIN });
    // A small pan of the wide view keeps the middle covered; a big one does not.
    const shift = (d: number) => ({ from: wide.from + d * MIN, to: wide.to + d * MIN });
    expect(needsLoad(shift(40_000), around, big, cap)).toBe(false);
    expect(needsLoad(shift(60_000), around, big, cap)).toBe(true);
  });
});
