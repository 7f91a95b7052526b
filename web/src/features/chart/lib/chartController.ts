import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  LineStyle,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type ISeriesPrimitive,
  type LogicalRange,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { barRangeOf, barReadout, emptyBars, timeRangeOfBars, type BarReadout, type ChartBars } from './chartBars';
import { SpanBandsPrimitive, type DraftRange, type SpanShape } from './spanBandsPrimitive';
import { crosshairTimeLabel, tickMarkLabel } from './timeLabels';

export const CHART_COLORS = {
  background: '#0b0e14',
  text: '#8b95a7',
  grid: '#131923',
  border: '#1e2533',
  up: '#22c55e',
  down: '#ef4444',
  upVolume: 'rgba(34, 197, 94, 0.45)',
  downVolume: 'rgba(239, 68, 68, 0.45)',
  crosshair: '#64748b',
  crosshairLabel: '#1e293b',
};

export interface VisibleWindow {
  fromTime: number;
  toTime: number;
  /** Bars (possibly aggregated) in view. */
  bars: number;
  /** Candles in view (sum of bar sizes). */
  candles: number;
}

export interface ChartCallbacks {
  onCrosshair?(bar: BarReadout | null): void;
  /** A range was dragged, clicked (one candle) or shift-clicked (from the last click). */
  onSelectRange?(range: { start: number; end: number }): void;
  onSpanClick?(id: string, layer: SpanShape['layer']): void;
  onResizeSpan?(id: string, range: { start: number; end: number }): void;
  onVisibleWindow?(window: VisibleWindow): void;
  /** A click on an overlay item (e.g. a model prediction) where no human span was hit. */
  onOverlayClick?(id: string): void;
}

/** An extra layer drawn on the candle series (model predictions): gets the bars, hit-tests clicks, shows hover. */
export interface ChartOverlay extends ISeriesPrimitive<Time> {
  setBars(bars: ChartBars): void;
  hitAt(x: number, y: number): string | null;
  hover(x: number | null, y: number | null): void;
}

type Drag =
  | { kind: 'select'; anchor: number; current: number; moved: boolean; startX: number }
  | {
      kind: 'resize';
      id: string;
      edge: 'start' | 'end';
      fixed: number;
      current: number;
      original: { start: number; end: number };
    };

const toChartTime = (ms: number) => (ms / 1000) as UTCTimestamp;

/**
 * Owns one lightweight-charts chart for the page's lifetime: candlesticks in pane 0, volume in
 * pane 1, the span primitive on the candle series, and the mouse interactions for drawing,
 * selecting and resizing spans. Data changes go through setData; the chart is never rebuilt.
 */
export class ChartController {
  readonly chart: IChartApi;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly volume: ISeriesApi<'Histogram'>;
  private readonly spansPrimitive = new SpanBandsPrimitive();
  private bars: ChartBars = emptyBars();
  private prefixSize: number[] = [0];
  private drag: Drag | null = null;
  private lastClickBar: number | null = null;
  private panMode = false;
  private spaceHeld = false;
  private selectedId: string | null = null;
  private externalDraft: DraftRange | null = null;
  private readonly disposers: Array<() => void> = [];
  private readonly overlays: ChartOverlay[] = [];
  /** Intraday data: the crosshair's time label shows the time of day (set with the bars). */
  private intraday = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly callbacks: ChartCallbacks,
  ) {
    this.chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: CHART_COLORS.background },
        textColor: CHART_COLORS.text,
        fontSize: 11,
        fontFamily: 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
        attributionLogo: false,
        panes: {
          separatorColor: CHART_COLORS.border,
          separatorHoverColor: 'rgba(100, 116, 139, 0.25)',
          enableResize: true,
        },
      },
      grid: { vertLines: { color: CHART_COLORS.grid }, horzLines: { color: CHART_COLORS.grid } },
      crosshair: {
        mode: CrosshairMode.Normal,
        vertLine: {
          color: CHART_COLORS.crosshair,
          style: LineStyle.Dashed,
          labelBackgroundColor: CHART_COLORS.crosshairLabel,
        },
        horzLine: {
          color: CHART_COLORS.crosshair,
          style: LineStyle.Dashed,
          labelBackgroundColor: CHART_COLORS.crosshairLabel,
        },
      },
      rightPriceScale: { borderColor: CHART_COLORS.border, scaleMargins: { top: 0.08, bottom: 0.08 } },
      timeScale: {
        borderColor: CHART_COLORS.border,
        rightOffset: 4,
        barSpacing: 8,
        minBarSpacing: 0.02,
        tickMarkFormatter: tickMarkLabel,
      },
      localization: { timeFormatter: (time: Time) => crosshairTimeLabel(time, this.intraday) },
      handleScroll: { mouseWheel: true, pressedMouseMove: false, horzTouchDrag: true, vertTouchDrag: false },
      handleScale: { mouseWheel: true, pinch: true, axisPressedMouseMove: true, axisDoubleClickReset: true },
      kineticScroll: { mouse: false, touch: true },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: CHART_COLORS.up,
      downColor: CHART_COLORS.down,
      borderUpColor: CHART_COLORS.up,
      borderDownColor: CHART_COLORS.down,
      wickUpColor: CHART_COLORS.up,
      wickDownColor: CHART_COLORS.down,
      priceLineVisible: true,
      priceLineStyle: LineStyle.Dotted,
    });
    this.volume = this.chart.addSeries(
      HistogramSeries,
      {
        priceFormat: { type: 'volume' },
        priceLineVisible: false,
        lastValueVisible: false,
        color: CHART_COLORS.upVolume,
      },
      1,
    );
    this.chart.panes()[1]?.setStretchFactor(0.22);
    this.chart.panes()[0]?.setStretchFactor(1);
    this.candles.attachPrimitive(this.spansPrimitive);

    const onCrosshair = (param: MouseEventParams<Time>) => this.handleCrosshair(param);
    this.chart.subscribeCrosshairMove(onCrosshair);
    this.disposers.push(() => this.chart.unsubscribeCrosshairMove(onCrosshair));
    const onRange = (range: LogicalRange | null) => this.handleVisibleRange(range);
    this.chart.timeScale().subscribeVisibleLogicalRangeChange(onRange);
    this.disposers.push(() => this.chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange));

    const listen = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void) => {
      container.addEventListener(type, fn, true);
      this.disposers.push(() => container.removeEventListener(type, fn, true));
    };
    listen('pointerdown', (e) => this.onPointerDown(e));
    listen('pointermove', (e) => this.onPointerMove(e));
    listen('pointerup', (e) => this.onPointerUp(e));
    listen('pointercancel', () => this.cancelDrag());
    listen('pointerleave', () => {
      this.spansPrimitive.setHovered(null);
      for (const o of this.overlays) o.hover(null, null);
    });
  }

  /** Attaches an overlay layer to the candle series (it is kept in sync with the bars). */
  addOverlay(overlay: ChartOverlay): () => void {
    this.candles.attachPrimitive(overlay);
    overlay.setBars(this.bars);
    this.overlays.push(overlay);
    return () => {
      this.overlays.splice(this.overlays.indexOf(overlay), 1);
      this.candles.detachPrimitive(overlay);
    };
  }

  destroy(): void {
    for (const d of this.disposers.splice(0)) d();
    this.chart.remove();
  }

  // ---- data --------------------------------------------------------------------------------
  /**
   * Replaces the bars. keepView keeps the visible time range (used when finer bars replace
   * aggregated ones); otherwise the view goes to `initialView`.
   */
  setBars(
    bars: ChartBars,
    options: { keepView?: boolean; initialView?: 'end' | 'fit'; intraday?: boolean } = {},
  ): void {
    const keep = options.keepView ? this.visibleTimeRange() : null;
    this.bars = bars;
    this.prefixSize = [0];
    for (let i = 0; i < bars.size.length; i++) this.prefixSize.push(this.prefixSize[i] + bars.size[i]);
    const n = bars.time.length;
    const candleData = new Array(n);
    const volumeData = new Array(n);
    for (let i = 0; i < n; i++) {
      const time = toChartTime(bars.time[i]);
      candleData[i] = { time, open: bars.open[i], high: bars.high[i], low: bars.low[i], close: bars.close[i] };
      // Aggregated bars plot volume per candle, so they share a scale with raw candles.
      volumeData[i] = {
        time,
        value: bars.volume[i] / Math.max(1, bars.size[i]),
        color: bars.close[i] >= bars.open[i] ? CHART_COLORS.upVolume : CHART_COLORS.downVolume,
      };
    }
    if (options.intraday !== undefined) {
      this.intraday = options.intraday;
      this.chart.applyOptions({ timeScale: { timeVisible: options.intraday, secondsVisible: false } });
    }
    this.candles.setData(candleData);
    this.volume.setData(volumeData);
    this.spansPrimitive.setBars(bars);
    for (const o of this.overlays) o.setBars(bars);
    if (keep) {
      this.chart.timeScale().setVisibleRange({ from: toChartTime(keep.from), to: toChartTime(keep.to) });
    } else if (n > 0) {
      if (options.initialView === 'fit') this.fit();
      else {
        const visible = Math.min(n, 160);
        this.chart.timeScale().setVisibleLogicalRange({ from: n - visible, to: n - 1 + 4 });
      }
    }
    this.handleVisibleRange(this.chart.timeScale().getVisibleLogicalRange());
  }

  getBars(): ChartBars {
    return this.bars;
  }

  setSpans(spans: SpanShape[]): void {
    this.spansPrimitive.setSpans(spans);
  }

  setSelectedSpan(id: string | null): void {
    this.selectedId = id;
    this.spansPrimitive.setSelected(id);
  }

  /** The pending selection shown as a dashed outline (null clears it). */
  setDraft(draft: DraftRange | null): void {
    this.externalDraft = draft;
    if (!this.drag) this.spansPrimitive.setDraft(draft);
  }

  setLayers(layers: { human: boolean; talib: boolean }): void {
    this.spansPrimitive.setLayers(layers);
  }

  /** Pan mode: a mouse drag pans the chart instead of drawing a span. */
  setPanMode(on: boolean): void {
    this.panMode = on;
    this.applyPanMode();
  }

  setSpaceHeld(held: boolean): void {
    this.spaceHeld = held;
    this.applyPanMode();
  }

  private applyPanMode(): void {
    const pan = this.panMode || this.spaceHeld;
    this.chart.applyOptions({ handleScroll: { pressedMouseMove: pan } });
    this.container.dataset.pan = pan ? 'true' : 'false';
  }

  // ---- navigation (keyboard and toolbar) ----------------------------------------------------
  private logicalRange(): { from: number; to: number } | null {
    const r = this.chart.timeScale().getVisibleLogicalRange();
    return r ? { from: r.from, to: r.to } : null;
  }

  /** Pans by a fraction of the visible width (negative = back in time). */
  panBy(fraction: number): void {
    const r = this.logicalRange();
    if (!r) return;
    const shift = Math.max(1, Math.abs((r.to - r.from) * fraction)) * Math.sign(fraction);
    this.chart.timeScale().setVisibleLogicalRange({ from: r.from + shift, to: r.to + shift });
  }

  /** Zooms around the centre of the view (factor < 1 zooms in). */
  zoom(factor: number): void {
    const r = this.logicalRange();
    if (!r) return;
    const centre = (r.from + r.to) / 2;
    const half = Math.max(2, ((r.to - r.from) * factor) / 2);
    this.chart.timeScale().setVisibleLogicalRange({ from: centre - half, to: centre + half });
  }

  goToStart(): void {
    const r = this.logicalRange();
    const width = r ? r.to - r.from : 160;
    this.chart.timeScale().setVisibleLogicalRange({ from: -2, to: width - 2 });
  }

  goToEnd(): void {
    const r = this.logicalRange();
    const n = this.bars.time.length;
    const width = r ? r.to - r.from : 160;
    this.chart.timeScale().setVisibleLogicalRange({ from: n - width + 4, to: n + 4 });
  }

  fit(): void {
    this.chart.timeScale().fitContent();
  }

  /** Centres the view on a time range, widening the view if the range does not fit. */
  revealRange(start: number, end: number): void {
    const n = this.bars.time.length;
    if (!n) return;
    const r = this.logicalRange() ?? { from: 0, to: 160 };
    const i0 = this.indexAtTime(start);
    const i1 = this.indexAtTime(end);
    const width = Math.max(r.to - r.from, (i1 - i0 + 1) * 2.5, 20);
    const mid = (i0 + i1) / 2;
    this.chart.timeScale().setVisibleLogicalRange({ from: mid - width / 2, to: mid + width / 2 });
  }

  private indexAtTime(t: number): number {
    let lo = 0;
    let hi = this.bars.time.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.bars.time[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  /** Where a time range is on screen (x of its left and right edges in the chart element), or null when off screen. */
  screenRangeOf(start: number, end: number): { x0: number; x1: number; width: number } | null {
    const r = barRangeOf(this.bars, start, end);
    if (!r) return null;
    const ts = this.chart.timeScale();
    const a = ts.logicalToCoordinate(r.from as never);
    const b = ts.logicalToCoordinate(r.to as never);
    if (a === null || b === null) return null;
    const half = Math.max(1, (ts.logicalToCoordinate((r.from + 1) as never) ?? a + 2) - a) / 2;
    return { x0: a - half, x1: b + half, width: this.chart.paneSize(0).width };
  }

  visibleTimeRange(): { from: number; to: number } | null {
    const r = this.logicalRange();
    const n = this.bars.time.length;
    if (!r || n === 0) return null;
    const from = Math.min(n - 1, Math.max(0, Math.ceil(r.from)));
    const to = Math.min(n - 1, Math.max(0, Math.floor(r.to)));
    return { from: this.bars.time[from], to: this.bars.time[Math.max(from, to)] };
  }

  // ---- events -------------------------------------------------------------------------------
  private readout(index: number): BarReadout | null {
    return barReadout(this.bars, index);
  }

  private handleCrosshair(param: MouseEventParams<Time>): void {
    if (!this.callbacks.onCrosshair) return;
    if (param.logical === undefined || !param.point) {
      this.callbacks.onCrosshair(null);
      return;
    }
    const index = Math.round(param.logical);
    this.callbacks.onCrosshair(this.readout(Math.min(this.bars.time.length - 1, Math.max(0, index))));
  }

  private handleVisibleRange(range: LogicalRange | null): void {
    const n = this.bars.time.length;
    if (!range || n === 0 || !this.callbacks.onVisibleWindow) return;
    const from = Math.min(n - 1, Math.max(0, Math.floor(range.from)));
    const to = Math.min(n - 1, Math.max(0, Math.ceil(range.to)));
    this.callbacks.onVisibleWindow({
      fromTime: this.bars.time[from],
      toTime: this.bars.endTime[to],
      bars: to - from + 1,
      candles: this.prefixSize[to + 1] - this.prefixSize[from],
    });
  }

  private pointer(e: PointerEvent): { x: number; y: number; inPricePane: boolean } {
    const rect = this.container.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const pane = this.chart.paneSize(0);
    return { x, y, inPricePane: x >= 0 && x < pane.width && y >= 0 && y < pane.height };
  }

  private barAtX(x: number): number {
    const logical = this.chart.timeScale().coordinateToLogical(x);
    const n = this.bars.time.length;
    if (logical === null || n === 0) return 0;
    return Math.min(n - 1, Math.max(0, Math.round(logical)));
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0 || this.panMode || this.spaceHeld || this.bars.time.length === 0) return;
    const p = this.pointer(e);
    if (!p.inPricePane) return;
    // Clicking the chart takes keyboard focus back from any field, so hotkeys work at once.
    const active = document.activeElement as HTMLElement | null;
    if (active && active !== document.body) active.blur();
    const edge = this.spansPrimitive.edgeAt(p.x);
    if (edge) {
      const { start, end } = edge.span.shape;
      this.drag = {
        kind: 'resize',
        id: edge.span.shape.id,
        edge: edge.edge,
        fixed: edge.edge === 'start' ? end : start,
        current: edge.edge === 'start' ? start : end,
        original: { start, end },
      };
    } else {
      const bar = this.barAtX(p.x);
      this.drag = { kind: 'select', anchor: bar, current: bar, moved: false, startX: p.x };
    }
    this.container.setPointerCapture?.(e.pointerId);
    e.preventDefault();
  }

  private onPointerMove(e: PointerEvent): void {
    const p = this.pointer(e);
    const drag = this.drag;
    if (!drag) {
      if (this.panMode || this.spaceHeld) return;
      const edge = p.inPricePane ? this.spansPrimitive.edgeAt(p.x) : null;
      const hit = p.inPricePane && !edge ? this.spansPrimitive.spanAt(p.x, p.y) : null;
      for (const o of this.overlays) o.hover(p.inPricePane ? p.x : null, p.y);
      this.container.dataset.cursor = edge ? 'resize' : hit ? 'pointer' : 'crosshair';
      this.spansPrimitive.setHovered(edge?.span.shape.id ?? hit?.shape.id ?? null);
      return;
    }
    const bar = this.barAtX(p.x);
    if (drag.kind === 'select') {
      if (bar !== drag.anchor || Math.abs(p.x - drag.startX) > 4) drag.moved = drag.moved || bar !== drag.anchor;
      drag.current = bar;
      if (drag.moved) this.spansPrimitive.setDraft(timeRangeOfBars(this.bars, drag.anchor, drag.current));
    } else {
      const t = drag.edge === 'start' ? this.bars.time[bar] : this.bars.endTime[bar];
      drag.current = t;
      const range =
        drag.edge === 'start'
          ? { start: Math.min(t, drag.fixed), end: drag.fixed }
          : { start: drag.fixed, end: Math.max(t, drag.fixed) };
      this.spansPrimitive.setDraft({ ...range, color: '#e2e8f0' });
    }
  }

  private onPointerUp(e: PointerEvent): void {
    const drag = this.drag;
    if (!drag) return;
    this.drag = null;
    this.container.releasePointerCapture?.(e.pointerId);
    this.spansPrimitive.setDraft(this.externalDraft);
    const p = this.pointer(e);
    if (drag.kind === 'resize') {
      const range =
        drag.edge === 'start'
          ? { start: Math.min(drag.current, drag.fixed), end: drag.fixed }
          : { start: drag.fixed, end: Math.max(drag.current, drag.fixed) };
      if (range.start !== drag.original.start || range.end !== drag.original.end)
        this.callbacks.onResizeSpan?.(drag.id, range);
      return;
    }
    if (drag.moved) {
      this.lastClickBar = drag.anchor;
      this.callbacks.onSelectRange?.(timeRangeOfBars(this.bars, drag.anchor, drag.current));
      return;
    }
    if (e.shiftKey && this.lastClickBar !== null) {
      this.callbacks.onSelectRange?.(timeRangeOfBars(this.bars, this.lastClickBar, drag.current));
      return;
    }
    this.lastClickBar = drag.current;
    // Overlay items (model predictions) are clicked in their lane at the top of the pane, so a
    // click inside a prediction's box still selects candles as before.
    const overlayId = p.y <= 12 ? this.overlayAt(p.x, p.y) : null;
    const hit = overlayId ? null : this.spansPrimitive.spanAt(p.x, p.y);
    if (overlayId) this.callbacks.onOverlayClick?.(overlayId);
    else if (hit) this.callbacks.onSpanClick?.(hit.shape.id, hit.shape.layer);
    else this.callbacks.onSelectRange?.(timeRangeOfBars(this.bars, drag.current, drag.current));
  }

  private overlayAt(x: number, y: number): string | null {
    for (const o of this.overlays) {
      const id = o.hitAt(x, y);
      if (id) return id;
    }
    return null;
  }

  private cancelDrag(): void {
    this.drag = null;
    this.spansPrimitive.setDraft(this.externalDraft);
  }

  get selectedSpanId(): string | null {
    return this.selectedId;
  }
}
