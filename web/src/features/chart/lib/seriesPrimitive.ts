import type {
  IChartApi,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  SeriesAttachedParameter,
  Time,
} from 'lightweight-charts';

/**
 * What every series primitive of the chart shares (as lightweight-charts' plugin-examples'
 * PluginBase): the chart and candle series it is attached to, its pane views, and "recompute the
 * geometry, then ask for a redraw".
 */
export abstract class SeriesPrimitiveBase implements ISeriesPrimitive<Time> {
  protected chart: IChartApi | null = null;
  protected series: ISeriesApi<'Candlestick'> | null = null;
  private requestUpdate: (() => void) | null = null;
  protected abstract readonly views: readonly IPrimitivePaneView[];

  attached(param: SeriesAttachedParameter<Time>): void {
    this.chart = param.chart as IChartApi;
    this.series = param.series as ISeriesApi<'Candlestick'>;
    this.requestUpdate = param.requestUpdate;
  }

  detached(): void {
    this.chart = null;
    this.series = null;
    this.requestUpdate = null;
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.views;
  }

  /** Recomputes what is drawn (viewport or data changed). */
  abstract updateAllViews(): void;

  protected update(): void {
    this.updateAllViews();
    this.requestUpdate?.();
  }
}

/** `#rrggbb` with an alpha, as a canvas colour. */
export function rgba(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
