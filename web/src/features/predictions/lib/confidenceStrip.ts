import { lowerBound, upperBound } from '@/features/annotations';
import type { UncertaintyMetric } from './predictionLogic';

/**
 * Pure logic of the per-candle confidence strip: what each candle's value is, how it maps to a
 * colour, which candle stands for a bar (a bar can be a bucket of many candles) and which cells
 * are drawn for the bars in view.
 */

/** What the strip shows: the top-class probability, or the uncertainty metric of the panel. */
export type StripMode = 'confidence' | 'uncertainty';

/** The per-candle output of `/api/predict` with `perCandle: true` (null: warm-up / look-ahead). */
export interface PerCandleOutput {
  classNames: string[];
  probabilities?: ReadonlyArray<ReadonlyArray<number> | null>;
  entropy: ReadonlyArray<number | null>;
  margin: ReadonlyArray<number | null>;
}

export interface StripValues {
  mode: StripMode;
  metric: UncertaintyMetric;
  /** The raw value per candle (top-class probability, entropy or margin); NaN where none. */
  value: Float32Array;
  /** Colour strength per candle in [0, 1] (1 = strongest colour); NaN where none. */
  strength: Float32Array;
  /** The predicted (arg-max) class per candle; -1 where unknown. */
  top: Int16Array;
  /** Raw values at the faint and the strong end of the gradient (the observed range), for the legend. */
  faint: number;
  strong: number;
  /** Candles with output. */
  count: number;
}

/**
 * The strip's values. Strength is the value scaled over the observed range so the gradient uses
 * its whole length: confidence mode, a high top-class probability is strong; uncertainty mode,
 * high entropy or a small margin is strong. In both modes the *least confident* candle of a
 * bucket is the one with the lowest strength (confidence) or the highest (uncertainty).
 */
export function stripValues(perCandle: PerCandleOutput, mode: StripMode, metric: UncertaintyMetric): StripValues {
  const n = Math.max(perCandle.entropy.length, perCandle.margin.length, perCandle.probabilities?.length ?? 0);
  const value = new Float32Array(n).fill(Number.NaN);
  const top = new Int16Array(n).fill(-1);
  const probs = perCandle.probabilities;
  for (let i = 0; i < n; i++) {
    const row = probs?.[i];
    if (row && row.length) {
      let best = 0;
      for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
      top[i] = best;
      if (mode === 'confidence') value[i] = row[best];
    }
    if (mode === 'uncertainty') {
      const v = (metric === 'entropy' ? perCandle.entropy : perCandle.margin)[i];
      if (typeof v === 'number' && Number.isFinite(v)) value[i] = v;
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = value[i];
    if (Number.isNaN(v)) continue;
    count++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // A small margin is the uncertain end, so margin runs the other way.
  const inverted = mode === 'uncertainty' && metric === 'margin';
  const strength = new Float32Array(n).fill(Number.NaN);
  const span = hi - lo;
  for (let i = 0; i < n; i++) {
    const v = value[i];
    if (Number.isNaN(v)) continue;
    const t = span > 0 ? (v - lo) / span : 1;
    strength[i] = inverted ? 1 - t : t;
  }
  if (!count) return { mode, metric, value, strength, top, faint: Number.NaN, strong: Number.NaN, count };
  return { mode, metric, value, strength, top, faint: inverted ? hi : lo, strong: inverted ? lo : hi, count };
}

/** Is `a` less confident than `b` (the one a bucket should show)? */
export function lessConfident(mode: StripMode, a: number, b: number): boolean {
  return mode === 'confidence' ? a < b : a > b;
}

/**
 * For each bar, the candle that stands for it: the least confident candle with output among those
 * whose time falls in [barTime, barEndTime], or -1 (no output: warm-up, look-ahead, or no candle).
 * A raw bar is its own candle; a bucket shows its weakest candle, so an uncertain stretch never
 * disappears when zoomed out. O(candles + bars · log candles).
 */
export function representativeCandles(
  bars: { time: ArrayLike<number>; endTime: ArrayLike<number> },
  candleTimes: ArrayLike<number>,
  values: Pick<StripValues, 'mode' | 'strength'>,
): Int32Array {
  const n = bars.time.length;
  const out = new Int32Array(n).fill(-1);
  const limit = Math.min(candleTimes.length, values.strength.length);
  const s = values.strength;
  for (let b = 0; b < n; b++) {
    const from = lowerBound(candleTimes, bars.time[b]);
    const to = Math.min(limit, upperBound(candleTimes, bars.endTime[b]));
    let best = -1;
    for (let i = from; i < to; i++) {
      if (Number.isNaN(s[i])) continue;
      if (best < 0 || lessConfident(values.mode, s[i], s[best])) best = i;
    }
    out[b] = best;
  }
  return out;
}

/** A cell of the strip on screen: media x range and the candle whose value it shows. */
export interface StripCell {
  x0: number;
  x1: number;
  candle: number;
  /** The bars the cell covers (several when bars are narrower than a pixel). */
  bar: number;
  lastBar: number;
}

/**
 * The cells for bars [from, to] (clipped to the data), one per bar, centred on the bar's x with
 * the bar's width; bars without output get no cell. `x(i)` is the bar's centre. When bars are
 * narrower than `minWidth` px they are pooled into columns of that width, each showing its least
 * confident candle, so a zoomed-out view draws at most one cell per pixel column.
 */
export function layoutCells(
  from: number,
  to: number,
  x: (bar: number) => number,
  spacing: number,
  rep: ArrayLike<number>,
  values: Pick<StripValues, 'mode' | 'strength'>,
  minWidth = 1,
): StripCell[] {
  const cells: StripCell[] = [];
  const first = Math.max(0, Math.floor(from));
  const last = Math.min(rep.length - 1, Math.ceil(to));
  if (spacing >= minWidth) {
    for (let i = first; i <= last; i++) {
      const c = rep[i];
      if (c < 0) continue;
      const cx = x(i);
      cells.push({ x0: cx - spacing / 2, x1: cx + spacing / 2, candle: c, bar: i, lastBar: i });
    }
    return cells;
  }
  let col = Number.NaN;
  let current: StripCell | null = null;
  for (let i = first; i <= last; i++) {
    const c = rep[i];
    if (c < 0) continue;
    const k = Math.floor(x(i) / minWidth);
    if (current && k === col) {
      current.lastBar = i;
      if (lessConfident(values.mode, values.strength[c], values.strength[current.candle])) current.candle = c;
      continue;
    }
    col = k;
    current = { x0: k * minWidth, x1: (k + 1) * minWidth, candle: c, bar: i, lastBar: i };
    cells.push(current);
  }
  return cells;
}

/** The faint end of every gradient: visible on the dark chart, clearly not "no output" (empty). */
export const STRIP_FAINT = '#1e293b';
/** Strong ends: confidence sky blue; uncertainty amber, like the "next uncertain" highlight. */
export const STRIP_STRONG: Record<StripMode, string> = { confidence: '#38bdf8', uncertainty: '#fbbf24' };
/** Steps of a palette: colours are looked up, not built, per cell. */
export const PALETTE_STEPS = 32;

function rgbOf(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? h.replace(/./g, (c) => c + c) : h.slice(0, 6);
  const n = parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour at t in [0, 1] between two hex colours (t clamped), as a hex string. */
export function rampColor(t: number, faint: string, strong: string): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const a = rgbOf(faint);
  const b = rgbOf(strong);
  const c = a.map((v, i) => Math.round(v + (b[i] - v) * u));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** A palette of PALETTE_STEPS colours from faint to strong. */
export function palette(strong: string, faint = STRIP_FAINT): string[] {
  return Array.from({ length: PALETTE_STEPS }, (_, i) => rampColor(i / (PALETTE_STEPS - 1), faint, strong));
}

/** The palette entry for a strength in [0, 1]. */
export function paletteIndex(strength: number): number {
  if (!Number.isFinite(strength)) return 0;
  return Math.min(PALETTE_STEPS - 1, Math.max(0, Math.round(strength * (PALETTE_STEPS - 1))));
}

/**
 * The pattern label a model class stands for ('B-hammer', 'I-hammer', 'E-hammer' → 'hammer': BIO's
 * and the end encoding's classes; windowed classes are the labels); null for the background class.
 */
export function classLabel(name: string): string | null {
  if (name === 'O' || name === 'background' || name === '') return null;
  return name.replace(/^[BIE]-/, '');
}

/** The legend's end labels, faint end first. */
export function legendEnds(v: Pick<StripValues, 'mode' | 'metric' | 'faint' | 'strong' | 'count'>): {
  title: string;
  faint: string;
  strong: string;
} {
  const fmt = (x: number) => (v.mode === 'confidence' ? `${Math.round(x * 100)}%` : x.toFixed(2));
  const title =
    v.mode === 'confidence'
      ? 'top-class probability'
      : v.metric === 'entropy'
        ? 'uncertainty: entropy'
        : 'uncertainty: margin';
  if (!v.count) return { title, faint: '—', strong: '—' };
  return { title, faint: fmt(v.faint), strong: fmt(v.strong) };
}
