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

/** The colours written so far, by `#rrggbb` and alpha (a few labels × a few alphas; bounded). */
const rgbaStrings = new Map<string, Map<number, string>>();
const RGBA_CACHE_LIMIT = 4096;
let rgbaCached = 0;

/** `#rrggbb` with an alpha, as a canvas colour. Cached: the span and prediction layers ask for
 * two or three per shape per frame, thousands at full zoom-out, and building each string showed
 * in profiles of zooming. */
export function rgba(hex: string, alpha: number): string {
  let byAlpha = rgbaStrings.get(hex);
  if (!byAlpha) rgbaStrings.set(hex, (byAlpha = new Map()));
  let colour = byAlpha.get(alpha);
  if (colour === undefined) {
    if (rgbaCached >= RGBA_CACHE_LIMIT) {
      rgbaStrings.clear(); // alphas from confidences are many: start again rather than grow
      rgbaStrings.set(hex, byAlpha);
      byAlpha.clear();
      rgbaCached = 0;
    }
    const n = parseInt(hex.slice(1), 16);
    colour = `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
    byAlpha.set(alpha, colour);
    rgbaCached++;
  }
  return colour;
}
