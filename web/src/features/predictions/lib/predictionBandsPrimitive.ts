import type { IPrimitivePaneRenderer, IPrimitivePaneView, PrimitivePaneViewZOrder } from 'lightweight-charts';
import {
  BarRangeIndex,
  emptyBars,
  type ChartBars,
  type ChartOverlay,
  SeriesPrimitiveBase,
  rgba,
} from '@/features/chart';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface PredictionShape {
  id: string;
  start: number;
  end: number;
  label: string;
  confidence: number;
  color: string;
}

interface Placed {
  shape: PredictionShape;
  x0: number;
  x1: number;
  top: number;
  bottom: number;
}

/** Height of the model lane at the top of the price pane. */
const LANE = 7;

/**
 * Model predictions as a series primitive in data coordinates, distinct from human spans:
 * dashed outline + diagonal hatching around the candles' price box, a mark in a lane at the top of
 * the pane, and on hover / selection a tag "label 87% · v0003".
 */
export class PredictionBandsPrimitive extends SeriesPrimitiveBase implements ChartOverlay {
  private bars: ChartBars = emptyBars();
  private shapes: PredictionShape[] = [];
  /** The predictions resolved to bars; rebuilt on the next layout after the bars or the predictions change. */
  private shapesOnBars: BarRangeIndex<PredictionShape> | null = null;
  private placed: Placed[] = [];
  private hoveredId: string | null = null;
  private selectedId: string | null = null;
  private modelTag = '';
  protected readonly views: readonly IPrimitivePaneView[];

  constructor() {
    super();
    const front: IPrimitivePaneRenderer = { draw: (t) => this.draw(t) };
    this.views = [{ zOrder: (): PrimitivePaneViewZOrder => 'top', renderer: () => front }];
  }

  setBars(bars: ChartBars): void {
    this.bars = bars;
    this.shapesOnBars = null;
    this.update();
  }
  setPredictions(shapes: PredictionShape[], modelTag: string): void {
    this.shapes = shapes;
    this.shapesOnBars = null;
    this.modelTag = modelTag;
    this.update();
  }
  setSelected(id: string | null): void {
    this.selectedId = id;
    this.update();
  }
  hover(x: number | null, y: number | null): void {
    const id = x === null || y === null ? null : this.hitAt(x, y);
    if (id === this.hoveredId) return;
    this.hoveredId = id;
    this.update();
  }
  get hovered(): string | null {
    return this.hoveredId;
  }

  updateAllViews(): void {
    this.placed = [];
    const chart = this.chart;
    const series = this.series;
    if (!chart || !series || !this.bars.time.length) return;
    const ts = chart.timeScale();
    const visible = ts.getVisibleLogicalRange();
    if (!visible) return;
    const a = ts.logicalToCoordinate(0 as never);
    const b = ts.logicalToCoordinate(1 as never);
    const spacing = a !== null && b !== null ? Math.max(1, b - a) : 6;
    this.shapesOnBars ??= new BarRangeIndex(this.bars, this.shapes);
    for (const { item: shape, from, to, high, low } of this.shapesOnBars.within(visible.from - 2, visible.to + 2)) {
      const c0 = ts.logicalToCoordinate(from as never);
      const c1 = ts.logicalToCoordinate(to as never);
      if (c0 === null || c1 === null) continue;
      const yh = series.priceToCoordinate(high) ?? 0;
      const yl = series.priceToCoordinate(low) ?? 0;
      this.placed.push({
        shape,
        x0: c0 - spacing / 2,
        x1: c1 + spacing / 2,
        top: Math.min(yh, yl) - 10,
        bottom: Math.max(yh, yl) + 10,
      });
    }
  }

  /** The prediction under the pointer: in the model lane, or inside its box (narrowest first). */
  hitAt(x: number, y: number): string | null {
    const hits = this.placed.filter((p) => x >= p.x0 && x <= p.x1 && (y <= LANE + 4 || (y >= p.top && y <= p.bottom)));
    if (!hits.length) return null;
    return hits.sort((p, q) => p.x1 - p.x0 - (q.x1 - q.x0))[0].shape.id;
  }

  private draw(target: RenderTarget): void {
    target.useMediaCoordinateSpace(({ context: ctx }) => {
      ctx.font = '600 11px ui-sans-serif, system-ui, sans-serif';
      ctx.textBaseline = 'bottom';
      for (const p of this.placed) {
        const { shape } = p;
        const active = shape.id === this.selectedId || shape.id === this.hoveredId;
        const w = Math.max(2, p.x1 - p.x0);
        const h = p.bottom - p.top;
        // Hatching, clipped to the box.
        ctx.save();
        ctx.beginPath();
        ctx.rect(p.x0, p.top, w, h);
        ctx.clip();
        ctx.strokeStyle = rgba(shape.color, active ? 0.55 : 0.25 + 0.3 * shape.confidence);
        ctx.lineWidth = 1;
        ctx.beginPath();
        for (let x = p.x0 - h; x < p.x1; x += 6) {
          ctx.moveTo(x, p.bottom);
          ctx.lineTo(x + h, p.top);
        }
        ctx.stroke();
        ctx.restore();
        ctx.strokeStyle = rgba(shape.color, active ? 1 : 0.8);
        ctx.lineWidth = shape.id === this.selectedId ? 2 : 1;
        ctx.setLineDash([3, 3]);
        ctx.strokeRect(Math.round(p.x0) + 0.5, Math.round(p.top) + 0.5, Math.max(1, Math.round(w) - 1), Math.round(h));
        ctx.setLineDash([]);
        ctx.fillStyle = rgba(shape.color, 0.35 + 0.6 * shape.confidence);
        ctx.fillRect(p.x0 + 0.5, 1, Math.max(1, w - 1), LANE);
        if (active) {
          const text = `${shape.label} ${Math.round(shape.confidence * 100)}% · ${this.modelTag}`;
          const tw = ctx.measureText(text).width;
          const ty = Math.max(LANE + 16, p.top - 2);
          ctx.fillStyle = 'rgba(11, 14, 20, 0.92)';
          ctx.fillRect(p.x0, ty - 14, tw + 10, 15);
          ctx.strokeStyle = shape.color;
          ctx.strokeRect(p.x0 + 0.5, ty - 13.5, tw + 9, 14);
          ctx.fillStyle = shape.color;
          ctx.fillText(text, p.x0 + 5, ty);
        }
      }
    });
  }
}
