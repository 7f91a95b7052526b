import type { IPrimitivePaneRenderer, IPrimitivePaneView, PrimitivePaneViewZOrder } from 'lightweight-charts';
import { BarRangeIndex } from './barRangeIndex';
import { barRangeOf, emptyBars, type ChartBars } from './chartBars';
import { SeriesPrimitiveBase, rgba } from './seriesPrimitive';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

/** A span as the chart draws it. Times are epoch ms (inclusive candle range). */
export interface SpanShape {
  id: string;
  start: number;
  end: number;
  color: string;
  label: string;
  layer: 'human' | 'talib';
  direction?: 'bullish' | 'bearish' | null;
}

/** A span placed on screen (media coordinates of the pane). */
export interface PlacedSpan {
  shape: SpanShape;
  x0: number;
  x1: number;
  /** Price box: y of the span's highest high and lowest low. */
  yHigh: number;
  yLow: number;
}

export interface DraftRange {
  start: number;
  end: number;
  color?: string;
}

/** Height of the TA-Lib lane at the bottom of the price pane. */
export const TALIB_LANE_HEIGHT = 9;
export const TALIB_LANE_GAP = 3;
const EDGE_GRAB_PX = 6;

/**
 * Draws annotation spans as a series primitive, in data coordinates: each span is a
 * translucent band over its candles' time range (full pane height) with a stronger box from
 * the span's lowest low to its highest high, behind the candles. TA-Lib spans are their own
 * layer: marks in a lane at the bottom of the pane and a dashed box. Labels, edge grips and the
 * selection being drawn are painted above the candles.
 */
export class SpanBandsPrimitive extends SeriesPrimitiveBase {
  private bars: ChartBars = emptyBars();
  private spans: SpanShape[] = [];
  /** The spans resolved to bars; rebuilt on the next layout after the bars or the spans change. */
  private spansOnBars: BarRangeIndex<SpanShape> | null = null;
  /** Label widths in the label font (measureText per span per frame showed in profiles). */
  private readonly labelWidths = new Map<string, number>();
  private draft: DraftRange | null = null;
  private selectedId: string | null = null;
  private hoveredId: string | null = null;
  private showHuman = true;
  private showTalib = true;

  private placed: PlacedSpan[] = [];
  private placedDraft: { x0: number; x1: number; color: string } | null = null;
  private paneHeight = 0;

  private readonly backView: IPrimitivePaneView;
  private readonly frontView: IPrimitivePaneView;
  protected readonly views: readonly IPrimitivePaneView[];

  constructor() {
    super();
    const back: IPrimitivePaneRenderer = { draw: (target) => this.drawBack(target) };
    const front: IPrimitivePaneRenderer = { draw: (target) => this.drawFront(target) };
    this.backView = { zOrder: (): PrimitivePaneViewZOrder => 'bottom', renderer: () => back };
    this.frontView = { zOrder: (): PrimitivePaneViewZOrder => 'top', renderer: () => front };
    this.views = [this.backView, this.frontView];
  }

  // ---- state ---------------------------------------------------------------------------------
  setBars(bars: ChartBars): void {
    this.bars = bars;
    this.spansOnBars = null;
    this.update();
  }

  setSpans(spans: SpanShape[]): void {
    this.spans = spans;
    this.spansOnBars = null;
    this.update();
  }

  setDraft(draft: DraftRange | null): void {
    this.draft = draft;
    this.update();
  }

  setSelected(id: string | null): void {
    this.selectedId = id;
    this.update();
  }

  setHovered(id: string | null): void {
    if (this.hoveredId === id) return;
    this.hoveredId = id;
    this.update();
  }

  setLayers(layers: { human: boolean; talib: boolean }): void {
    this.showHuman = layers.human;
    this.showTalib = layers.talib;
    this.update();
  }

  // ---- geometry (recomputed whenever the viewport or the data changes) -----------------------
  updateAllViews(): void {
    this.placed = [];
    this.placedDraft = null;
    const chart = this.chart;
    const series = this.series;
    if (!chart || !series || this.bars.time.length === 0) return;
    const timeScale = chart.timeScale();
    const visible = timeScale.getVisibleLogicalRange();
    if (!visible) return;
    this.paneHeight = chart.paneSize(0).height;
    const spacing = this.barSpacing();

    const toScreen = (from: number, to: number): { x0: number; x1: number } | null => {
      const c0 = timeScale.logicalToCoordinate(from as never);
      const c1 = timeScale.logicalToCoordinate(to as never);
      if (c0 === null || c1 === null) return null;
      return { x0: c0 - spacing / 2, x1: c1 + spacing / 2 };
    };

    // What is drawn: whatever covers a bar within two of the visible range.
    const first = visible.from - 2;
    const last = visible.to + 2;
    this.spansOnBars ??= new BarRangeIndex(this.bars, this.spans);
    for (const { item: shape, from, to, high, low } of this.spansOnBars.within(first, last)) {
      if (shape.layer === 'human' ? !this.showHuman : !this.showTalib) continue;
      const p = toScreen(from, to);
      if (!p) continue;
      const yHigh = series.priceToCoordinate(high) ?? 0;
      const yLow = series.priceToCoordinate(low) ?? this.paneHeight;
      this.placed.push({ shape, x0: p.x0, x1: p.x1, yHigh, yLow });
    }
    const draft = this.draft;
    const draftBars = draft && barRangeOf(this.bars, draft.start, draft.end);
    if (draft && draftBars && draftBars.to >= first && draftBars.from <= last) {
      const p = toScreen(draftBars.from, draftBars.to);
      if (p) this.placedDraft = { x0: p.x0, x1: p.x1, color: draft.color ?? '#e2e8f0' };
    }
  }

  private barSpacing(): number {
    const ts = this.chart!.timeScale();
    const a = ts.logicalToCoordinate(0 as never);
    const b = ts.logicalToCoordinate(1 as never);
    return a !== null && b !== null ? Math.max(1, b - a) : 6;
  }

  // ---- hit testing (media coordinates of the main pane) ---------------------------------------
  private inTalibLane(y: number): boolean {
    return y >= this.paneHeight - TALIB_LANE_HEIGHT - TALIB_LANE_GAP - 4;
  }

  /** The span under the pointer: a TA-Lib mark in its lane, else the narrowest human band. */
  spanAt(x: number, y: number): PlacedSpan | null {
    const hits = this.placed.filter((p) => x >= p.x0 && x <= p.x1);
    const talib = hits.filter((p) => p.shape.layer === 'talib');
    if (talib.length && this.inTalibLane(y)) return talib.sort((a, b) => a.x1 - a.x0 - (b.x1 - b.x0))[0];
    const human = hits.filter((p) => p.shape.layer === 'human');
    if (!human.length) return null;
    return human.sort((a, b) => a.x1 - a.x0 - (b.x1 - b.x0))[0];
  }

  /** A human span edge within grabbing distance (the selected span first). */
  edgeAt(x: number): { span: PlacedSpan; edge: 'start' | 'end' } | null {
    const candidates = this.placed
      .filter((p) => p.shape.layer === 'human')
      .sort((a, b) => Number(b.shape.id === this.selectedId) - Number(a.shape.id === this.selectedId));
    for (const p of candidates) {
      const grab = Math.min(EDGE_GRAB_PX, Math.max(2, (p.x1 - p.x0) / 3));
      if (Math.abs(x - p.x0) <= grab) return { span: p, edge: 'start' };
      if (Math.abs(x - p.x1) <= grab) return { span: p, edge: 'end' };
    }
    return null;
  }

  // ---- drawing --------------------------------------------------------------------------------
  private drawBack(target: RenderTarget): void {
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      const h = mediaSize.height;
      for (const p of this.placed) {
        const { shape } = p;
        const selected = shape.id === this.selectedId;
        const hovered = shape.id === this.hoveredId;
        const w = Math.max(1, p.x1 - p.x0);
        if (shape.layer === 'human') {
          ctx.fillStyle = rgba(shape.color, selected ? 0.11 : hovered ? 0.09 : 0.06);
          ctx.fillRect(p.x0, 0, w, h);
          const top = Math.min(p.yHigh, p.yLow) - 6;
          const bottom = Math.max(p.yHigh, p.yLow) + 6;
          ctx.fillStyle = rgba(shape.color, selected ? 0.2 : hovered ? 0.16 : 0.12);
          ctx.fillRect(p.x0, top, w, bottom - top);
        } else {
          const laneTop = h - TALIB_LANE_HEIGHT - TALIB_LANE_GAP;
          ctx.fillStyle = rgba(shape.color, selected || hovered ? 0.95 : 0.7);
          ctx.fillRect(p.x0 + 0.5, laneTop, Math.max(1, w - 1), TALIB_LANE_HEIGHT);
          if (selected || hovered) {
            ctx.fillStyle = rgba(shape.color, 0.1);
            ctx.fillRect(p.x0, 0, w, laneTop);
          }
        }
      }
      if (this.placedDraft) {
        ctx.fillStyle = 'rgba(226, 232, 240, 0.09)';
        ctx.fillRect(this.placedDraft.x0, 0, Math.max(1, this.placedDraft.x1 - this.placedDraft.x0), h);
      }
    });
  }

  private drawFront(target: RenderTarget): void {
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      const h = mediaSize.height;
      ctx.font = '600 11px ui-sans-serif, system-ui, -apple-system, "Segoe UI", sans-serif';
      ctx.textBaseline = 'bottom';
      for (const p of this.placed) {
        const { shape } = p;
        const selected = shape.id === this.selectedId;
        const w = Math.max(1, p.x1 - p.x0);
        const top = Math.min(p.yHigh, p.yLow) - 6;
        const bottom = Math.max(p.yHigh, p.yLow) + 6;
        if (shape.layer === 'human') {
          ctx.strokeStyle = rgba(shape.color, selected ? 1 : 0.75);
          ctx.lineWidth = selected ? 2 : 1;
          ctx.setLineDash([]);
          ctx.strokeRect(
            Math.round(p.x0) + 0.5,
            Math.round(top) + 0.5,
            Math.max(1, Math.round(w) - 1),
            Math.round(bottom - top),
          );
          const text = shape.label;
          let textWidth = this.labelWidths.get(text);
          if (textWidth === undefined) {
            textWidth = ctx.measureText(text).width;
            this.labelWidths.set(text, textWidth);
          }
          if (w >= Math.min(textWidth + 8, 28) || selected) {
            const tx = p.x0 + 1;
            const ty = Math.max(14, top - 2);
            ctx.fillStyle = rgba(shape.color, selected ? 0.95 : 0.85);
            ctx.fillRect(tx - 1, ty - 13, textWidth + 8, 14);
            ctx.fillStyle = '#0b0e14';
            ctx.fillText(text, tx + 3, ty);
          }
          if (selected) {
            ctx.fillStyle = shape.color;
            const mid = (top + bottom) / 2;
            for (const x of [p.x0, p.x1]) {
              ctx.fillRect(Math.round(x) - 2, Math.round(mid) - 10, 4, 20);
            }
          }
        } else if (shape.id === this.selectedId || shape.id === this.hoveredId) {
          ctx.strokeStyle = rgba(shape.color, 0.9);
          ctx.lineWidth = 1;
          ctx.setLineDash([4, 3]);
          ctx.strokeRect(
            Math.round(p.x0) + 0.5,
            Math.round(top) + 0.5,
            Math.max(1, Math.round(w) - 1),
            Math.round(bottom - top),
          );
          ctx.setLineDash([]);
          const text = `${shape.label}${shape.direction ? (shape.direction === 'bullish' ? ' ▲' : ' ▼') : ''} · TA-Lib`;
          const textWidth = ctx.measureText(text).width;
          const ty = h - TALIB_LANE_HEIGHT - TALIB_LANE_GAP - 3;
          ctx.fillStyle = 'rgba(11, 14, 20, 0.85)';
          ctx.fillRect(p.x0, ty - 13, textWidth + 8, 14);
          ctx.fillStyle = shape.color;
          ctx.fillText(text, p.x0 + 4, ty);
        }
      }
      if (this.placedDraft) {
        const { x0, x1, color } = this.placedDraft;
        ctx.strokeStyle = rgba(color.startsWith('#') ? color : '#e2e8f0', 0.9);
        ctx.lineWidth = 1;
        ctx.setLineDash([5, 4]);
        ctx.strokeRect(Math.round(x0) + 0.5, 0.5, Math.max(1, Math.round(x1 - x0) - 1), h - 1);
        ctx.setLineDash([]);
      }
    });
  }
}
