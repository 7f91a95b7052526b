import { describe, expect, it } from 'vitest';
import {
  PALETTE_STEPS,
  classLabel,
  layoutCells,
  legendEnds,
  palette,
  paletteIndex,
  rampColor,
  representativeCandles,
  stripValues,
  type PerCandleOutput,
} from './confidenceStrip';

// Five candles, two classes; candle 0 is warm-up (no output), candle 4 look-ahead.
const perCandle: PerCandleOutput = {
  classNames: ['O', 'B-hammer'],
  probabilities: [null, [0.9, 0.1], [0.4, 0.6], [0.5, 0.5], null],
  entropy: [null, 0.33, 0.67, 0.69, null],
  margin: [null, 0.8, 0.2, 0.0, null],
};

describe('strip values', () => {
  it('top-class probability: strength over the observed range, arg-max class, empty where no output', () => {
    const v = stripValues(perCandle, 'confidence', 'entropy');
    expect(Array.from(v.value)).toEqual([NaN, expect.closeTo(0.9), expect.closeTo(0.6), 0.5, NaN]);
    expect(v.strength[1]).toBeCloseTo(1);
    expect(v.strength[3]).toBeCloseTo(0);
    expect(v.strength[2]).toBeCloseTo(0.25);
    expect(Array.from(v.top)).toEqual([-1, 0, 1, 0, -1]);
    expect(v.count).toBe(3);
    expect(v.faint).toBeCloseTo(0.5);
    expect(v.strong).toBeCloseTo(0.9);
  });

  it('uncertainty: high entropy is strong; a small margin is strong (the scale runs the other way)', () => {
    const h = stripValues(perCandle, 'uncertainty', 'entropy');
    expect(h.strength[3]).toBeCloseTo(1);
    expect(h.strength[1]).toBeCloseTo(0);
    const m = stripValues(perCandle, 'uncertainty', 'margin');
    expect(m.strength[3]).toBeCloseTo(1);
    expect(m.strength[1]).toBeCloseTo(0);
    expect(m.faint).toBeCloseTo(0.8);
    expect(m.strong).toBeCloseTo(0);
    expect(legendEnds(m)).toEqual({ title: 'uncertainty: margin', faint: '0.80', strong: '0.00' });
  });

  it('a constant metric is full strength; no output at all gives an empty legend', () => {
    const flat = stripValues(
      {
        classNames: ['a', 'b'],
        probabilities: [
          [0.7, 0.3],
          [0.3, 0.7],
        ],
        entropy: [0.6, 0.6],
        margin: [0.4, 0.4],
      },
      'confidence',
      'entropy',
    );
    expect(Array.from(flat.strength)).toEqual([1, 1]);
    const none = stripValues(
      { classNames: ['O'], entropy: [null, null], margin: [null, null] },
      'confidence',
      'entropy',
    );
    expect(none.count).toBe(0);
    expect(legendEnds(none)).toEqual({ title: 'top-class probability', faint: '—', strong: '—' });
  });
});

describe('bars to candles', () => {
  const times = [100, 200, 300, 400, 500];

  it('a raw bar is its own candle; candles without output map to -1', () => {
    const v = stripValues(perCandle, 'confidence', 'entropy');
    const rep = representativeCandles({ time: times, endTime: times }, times, v);
    expect(Array.from(rep)).toEqual([-1, 1, 2, 3, -1]);
  });

  it('a bucket shows its least confident candle (min probability, or max uncertainty)', () => {
    const buckets = { time: [100, 300], endTime: [299, 500] };
    const conf = stripValues(perCandle, 'confidence', 'entropy');
    expect(Array.from(representativeCandles(buckets, times, conf))).toEqual([1, 3]);
    const unc = stripValues(perCandle, 'uncertainty', 'margin');
    expect(Array.from(representativeCandles(buckets, times, unc))).toEqual([1, 3]);
    // A bucket of warm-up candles only, and a bar past the candles, stay empty.
    expect(Array.from(representativeCandles({ time: [0, 600], endTime: [150, 700] }, times, conf))).toEqual([-1, -1]);
  });

  it('stays linear on 100k candles in 4k buckets', () => {
    const n = 100_000;
    const big = {
      classNames: ['O', 'x'],
      entropy: [] as Array<number | null>,
      margin: [] as Array<number | null>,
      probabilities: [] as Array<number[] | null>,
    };
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      t.push(i * 60_000);
      const p = i < 50 ? null : 0.5 + 0.5 * Math.abs(Math.sin(i));
      big.probabilities.push(p === null ? null : [p, 1 - p]);
      big.entropy.push(p === null ? null : 0.1);
      big.margin.push(p === null ? null : 0.2);
    }
    const v = stripValues(big, 'confidence', 'entropy');
    const size = 25;
    const bars = { time: [] as number[], endTime: [] as number[] };
    for (let i = 0; i < n; i += size) {
      bars.time.push(t[i]);
      bars.endTime.push(t[Math.min(n - 1, i + size - 1)]);
    }
    const started = performance.now();
    const rep = representativeCandles(bars, t, v);
    expect(performance.now() - started).toBeLessThan(500);
    expect(rep.length).toBe(4000);
    expect(rep[0]).toBe(-1);
    expect(rep[1]).toBe(-1);
    expect(rep[2]).toBeGreaterThanOrEqual(50);
    for (let b = 2; b < 4000; b++) {
      const c = rep[b];
      expect(c >= b * size && c < (b + 1) * size).toBe(true);
    }
  });
});

describe('cell layout', () => {
  const v = { mode: 'confidence' as const, strength: Float32Array.from([NaN, 0.9, 0.2, 0.5, 0.7, 0.1]) };
  const rep = [-1, 1, 2, 3, 4, 5];

  it('one cell per visible bar with output, centred on the bar with its width', () => {
    const cells = layoutCells(0.4, 3.6, (i) => 10 + i * 8, 8, rep, v);
    expect(cells).toEqual([
      { x0: 14, x1: 22, candle: 1, bar: 1, lastBar: 1 },
      { x0: 22, x1: 30, candle: 2, bar: 2, lastBar: 2 },
      { x0: 30, x1: 38, candle: 3, bar: 3, lastBar: 3 },
      { x0: 38, x1: 46, candle: 4, bar: 4, lastBar: 4 },
    ]);
    // Only the visible range is laid out, clipped to the data.
    expect(layoutCells(-10, 1, (i) => i * 8, 8, rep, v).map((c) => c.bar)).toEqual([1]);
    expect(layoutCells(4.5, 99, (i) => i * 8, 8, rep, v).map((c) => c.bar)).toEqual([4, 5]);
  });

  it('bars narrower than a pixel pool into columns showing the least confident candle', () => {
    const cells = layoutCells(0, 5, (i) => 10 + i * 0.5, 0.5, rep, v);
    // Columns: x 10 (bars 0,1), 11 (bars 2,3), 12 (bars 4,5); bar 0 has no output.
    expect(cells).toEqual([
      { x0: 10, x1: 11, candle: 1, bar: 1, lastBar: 1 },
      { x0: 11, x1: 12, candle: 2, bar: 2, lastBar: 3 },
      { x0: 12, x1: 13, candle: 5, bar: 4, lastBar: 5 },
    ]);
  });
});

describe('colour scale', () => {
  it('ramps between two colours, clamped', () => {
    expect(rampColor(0, '#000000', '#ffffff')).toBe('#000000');
    expect(rampColor(1, '#000000', '#ffffff')).toBe('#ffffff');
    expect(rampColor(0.5, '#000000', '#ff8000')).toBe('#804000');
    expect(rampColor(2, '#000', '#fff')).toBe('#ffffff');
    expect(rampColor(Number.NaN, '#102030', '#ffffff')).toBe('#102030');
  });

  it('palettes are looked up by strength', () => {
    const p = palette('#38bdf8');
    expect(p).toHaveLength(PALETTE_STEPS);
    expect(p[PALETTE_STEPS - 1]).toBe('#38bdf8');
    expect(paletteIndex(0)).toBe(0);
    expect(paletteIndex(1)).toBe(PALETTE_STEPS - 1);
    expect(paletteIndex(1.5)).toBe(PALETTE_STEPS - 1);
    expect(paletteIndex(Number.NaN)).toBe(0);
  });

  it('model classes map to pattern labels; the background class to none', () => {
    expect(classLabel('B-hammer')).toBe('hammer');
    expect(classLabel('I-morning star')).toBe('morning star');
    // The end encoding (the shipped default): E-x ends a span of x, B-x starts one.
    expect(classLabel('E-bull flag')).toBe('bull flag');
    expect(classLabel('B-bull flag')).toBe('bull flag');
    expect(classLabel('engulfing')).toBe('engulfing');
    expect(classLabel('O')).toBeNull();
    expect(classLabel('background')).toBeNull();
  });
});
