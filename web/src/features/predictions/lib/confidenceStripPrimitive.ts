import type { IPrimitivePaneRenderer, IPrimitivePaneView, PrimitivePaneViewZOrder } from 'lightweight-charts';
import {
  emptyBars,
  type ChartBars,
  type ChartOverlay,
  SeriesPrimitiveBase,
  TALIB_LANE_GAP,
  TALIB_LANE_HEIGHT,
} from '@/features/chart';
import {
  STRIP_STRONG,
  classLabel,
  layoutCells,
  palette,
  paletteIndex,
  representativeCandles,
  type PerCandleOutput,
  type StripCell,
  type StripValues,
} from './confidenceStrip';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface StripData {
  values: StripValues;
  /** Time of every candle of the dataset (the index space of the per-candle arrays). */
  candleTimes: ArrayLike<number>;
  perCandle: PerCandleOutput;
  /** Colour per model class to tint the strip with (null entries: background class); null = untinted. */
  classColors: ReadonlyArray<string | null> | null;
}

/** Height of the strip, and its gap above the TA-Lib lane (which owns the bottom of the pane). */
export const STRIP_HEIGHT = 7;
const STRIP_GAP = 2;
const NEUTRAL = '#94a3b8';

/**
 * The per-candle confidence strip: a thin band along the bottom of the price pane, one cell per
 * bar in data coordinates, coloured by the model's per-candle confidence or uncertainty. Created
 * once; data goes in through setData (null hides it). The bar → candle mapping is computed when
 * the bars or the data change; a frame only lays out the bars in view. Hovering a cell shows a
 * readout tag above it.
 */
export class ConfidenceStripPrimitive extends SeriesPrimitiveBase implements ChartOverlay {
  private bars: ChartBars = emptyBars();
  private data: StripData | null = null;
  private rep: Int32Array = new Int32Array(0);
  private palettes: string[][] = [];
  private cells: StripCell[] = [];
  private paneHeight = 0;
  private hoveredCell: StripCell | null = null;
  private onDrawn: ((cells: number) => void) | null = null;
  protected readonly views: readonly IPrimitivePaneView[];

  constructor() {
    super();
    // Cells at series level, so the TA-Lib lane's hover label (a 'top' view) stays above them;
    // the strip's own readout on top.
    const cells: IPrimitivePaneRenderer = { draw: (t) => this.draw(t) };
    const readout: IPrimitivePaneRenderer = { draw: (t) => this.drawReadout(t) };
    this.views = [
      { zOrder: (): PrimitivePaneViewZOrder => 'normal', renderer: () => cells },
      { zOrder: (): PrimitivePaneViewZOrder => 'top', renderer: () => readout },
    ];
  }

  setBars(bars: ChartBars): void {
    this.bars = bars;
    this.remap();
  }
  setData(data: StripData | null): void {
    this.data = data;
    if (data) {
      // Palette per class when tinted (background and unknown classes neutral), else one.
      const base = palette(STRIP_STRONG[data.values.mode]);
      this.palettes = data.classColors ? data.classColors.map((c) => palette(c ?? NEUTRAL)) : [base];
      if (data.classColors) this.palettes.push(base);
    }
    this.remap();
  }
  /** Called after each draw with the number of cells drawn (for the panel and tests). */
  setDrawListener(listener: ((cells: number) => void) | null): void {
    this.onDrawn = listener;
  }

  hover(x: number | null, y: number | null): void {
    const cell = x === null || y === null || !this.inStrip(y) ? null : this.cellAt(x);
    if (cell === this.hoveredCell) return;
    this.hoveredCell = cell;
    this.update();
  }
  /** Not clickable: clicks fall through to the chart. */
  hitAt(): string | null {
    return null;
  }

  private remap(): void {
    this.rep = this.data
      ? representativeCandles(this.bars, this.data.candleTimes, this.data.values)
      : new Int32Array(0);
    this.hoveredCell = null;
    this.update();
  }

  private stripTop(height: number): number {
    return height - TALIB_LANE_HEIGHT - TALIB_LANE_GAP - STRIP_GAP - STRIP_HEIGHT;
  }
  private inStrip(y: number): boolean {
    const top = this.stripTop(this.paneHeight);
    return y >= top - 3 && y <= top + STRIP_HEIGHT + 3;
  }
  private cellAt(x: number): StripCell | null {
    // Cells are sorted by x: binary search for the last cell starting at or before x.
    let lo = 0;
    let hi = this.cells.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cells[mid].x0 <= x) lo = mid + 1;
      else hi = mid;
    }
    const c = this.cells[lo - 1];
    return c && x <= c.x1 ? c : null;
  }

  updateAllViews(): void {
    const previous = this.hoveredCell;
    this.cells = [];
    this.hoveredCell = null;
    const chart = this.chart;
    if (!chart || !this.data || !this.rep.length) return;
    const ts = chart.timeScale();
    const visible = ts.getVisibleLogicalRange();
    if (!visible) return;
    this.paneHeight = chart.paneSize(0).height;
    const first = Math.max(0, Math.floor(visible.from));
    const a = ts.logicalToCoordinate(first as never);
    const b = ts.logicalToCoordinate((first + 1) as never);
    if (a === null || b === null) return;
    // The true bar spacing (below 1 px when zoomed far out): bars are pooled per pixel column then.
    const spacing = b - a;
    this.cells = layoutCells(
      visible.from,
      visible.to,
      (i) => a + (i - first) * spacing,
      spacing,
      this.rep,
      this.data.values,
    );
    // Keep the hover on the same bar across a re-layout (a new bars array clears it in remap).
    if (previous) this.hoveredCell = this.cells.find((c) => c.bar === previous.bar) ?? null;
  }

  private draw(target: RenderTarget): void {
    const data = this.data;
    if (!data) {
      this.onDrawn?.(0);
      return;
    }
    const { values } = data;
    target.useBitmapCoordinateSpace(({ context: ctx, mediaSize, horizontalPixelRatio: hr, verticalPixelRatio: vr }) => {
      // Bitmap space: cell edges are rounded once, so neighbouring cells meet without seams.
      const top = Math.round(this.stripTop(mediaSize.height) * vr);
      const h = Math.max(1, Math.round(STRIP_HEIGHT * vr));
      const fallback = this.palettes[this.palettes.length - 1];
      for (const c of this.cells) {
        const k = values.top[c.candle];
        const pal = data.classColors
          ? k >= 0 && k < data.classColors.length
            ? this.palettes[k]
            : fallback
          : this.palettes[0];
        ctx.fillStyle = pal[paletteIndex(values.strength[c.candle])];
        const x0 = Math.round(c.x0 * hr);
        const x1 = Math.round(c.x1 * hr);
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), h);
      }
    });
    this.onDrawn?.(this.cells.length);
  }

  private drawReadout(target: RenderTarget): void {
    const cell = this.hoveredCell;
    if (!this.data || !cell) return;
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) =>
      this.drawTag(ctx, mediaSize.width, mediaSize.height, cell),
    );
  }

  /** The hovered cell outlined, and a tag above it: predicted label and the candle's numbers. */
  private drawTag(ctx: CanvasRenderingContext2D, width: number, height: number, cell: StripCell): void {
    const data = this.data!;
    const i = cell.candle;
    const k = data.values.top[i];
    const p = k >= 0 ? data.perCandle.probabilities?.[i]?.[k] : undefined;
    const name = k >= 0 ? data.perCandle.classNames[k] : undefined;
    const label = name === undefined ? '?' : (classLabel(name) ?? 'no pattern');
    const h = data.perCandle.entropy[i];
    const m = data.perCandle.margin[i];
    let size = 0;
    for (let b = cell.bar; b <= cell.lastBar; b++) size += this.bars.size[b] ?? 1;
    const parts = [
      `${label}${typeof p === 'number' ? ` ${Math.round(p * 100)}%` : ''}`,
      typeof h === 'number' ? `entropy ${h.toFixed(2)}` : '',
      typeof m === 'number' ? `margin ${m.toFixed(2)}` : '',
      size > 1 ? `least confident of ${size} candles` : '',
    ];
    const text = parts.filter(Boolean).join(' · ');
    const top = this.stripTop(height);
    ctx.strokeStyle = '#e2e8f0';
    ctx.lineWidth = 1;
    ctx.strokeRect(
      Math.round(cell.x0) - 0.5,
      top - 0.5,
      Math.max(2, Math.round(cell.x1 - cell.x0)) + 1,
      STRIP_HEIGHT + 1,
    );
    ctx.font = '600 11px ui-sans-serif, system-ui, sans-serif';
    ctx.textBaseline = 'bottom';
    const tw = ctx.measureText(text).width;
    const tx = Math.max(2, Math.min(width - tw - 12, cell.x0));
    const ty = top - 4;
    ctx.fillStyle = 'rgba(11, 14, 20, 0.92)';
    ctx.fillRect(tx, ty - 14, tw + 10, 15);
    ctx.strokeStyle = '#475569';
    ctx.strokeRect(tx + 0.5, ty - 13.5, tw + 9, 14);
    ctx.fillStyle = '#e2e8f0';
    ctx.fillText(text, tx + 5, ty);
  }
}
