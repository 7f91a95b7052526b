import { apiRequest, type Fetcher } from '@/shared/apiClient';
import type { CandleQueryResult } from '@/features/datasets';
import { barIndexAt, emptyBars, type ChartBars } from './chartBars';
import type { VisibleWindow } from './chartController';

/** Datasets up to this many candles are loaded whole, as raw candles. */
export const FULL_LOAD_MAX = 20_000;
/** Points in the aggregated overview of a bigger dataset. */
export const OVERVIEW_POINTS = 4_000;
/** Zoomed in to at most this many candles in view, the view's neighbourhood is loaded raw. */
export const DETAIL_TRIGGER_CANDLES = 3_000;

export function toChartBars(result: CandleQueryResult): ChartBars {
  const c = result.candles;
  return {
    time: c.time,
    endTime: c.endTime ?? c.time,
    size: c.time.map(() => result.bucketSize),
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
  };
}

function slice(b: ChartBars, from: number, to: number): ChartBars {
  return {
    time: b.time.slice(from, to),
    endTime: b.endTime.slice(from, to),
    size: b.size.slice(from, to),
    open: b.open.slice(from, to),
    high: b.high.slice(from, to),
    low: b.low.slice(from, to),
    close: b.close.slice(from, to),
    volume: b.volume.slice(from, to),
  };
}

function concat(...parts: ChartBars[]): ChartBars {
  const out = emptyBars();
  for (const p of parts) for (const k of Object.keys(out) as (keyof ChartBars)[]) out[k].push(...p[k]);
  return out;
}

/**
 * The overview with the raw candles of [detail.time[0], detail.endTime[last]] in place of the
 * overview bars they cover (overview bars that straddle the window edges are dropped).
 */
export function mergeDetail(overview: ChartBars, detail: ChartBars): ChartBars {
  if (detail.time.length === 0) return overview;
  const from = detail.time[0];
  const to = detail.endTime[detail.endTime.length - 1];
  let before = 0;
  while (before < overview.time.length && overview.endTime[before] < from) before++;
  let after = before;
  while (after < overview.time.length && overview.time[after] <= to) after++;
  return concat(slice(overview, 0, before), detail, slice(overview, after, overview.time.length));
}

/** Window [from, to] widened to whole overview buckets. */
export function alignToBuckets(overview: ChartBars, from: number, to: number): { from: number; to: number } {
  const i = Math.max(0, barIndexAt(overview, from));
  const j = Math.max(0, barIndexAt(overview, to));
  return { from: overview.time[i], to: overview.endTime[Math.min(j, overview.time.length - 1)] };
}

export interface FeedUpdate {
  bars: ChartBars;
  /** True for the first bars of a dataset (the view is placed), false for refinements (the view is kept). */
  initial: boolean;
  aggregated: boolean;
}

/**
 * Supplies a dataset's bars to the chart. Small datasets arrive whole. Big ones (100k candles)
 * arrive as a server-aggregated overview (OHLC buckets); when the view is zoomed in to a few
 * thousand candles, the raw candles around it are fetched by time range and spliced in.
 */
export class CandleFeed {
  private overview: ChartBars = emptyBars();
  private detail: { from: number; to: number } | null = null;
  private inFlight = false;
  private disposed = false;
  private pending: VisibleWindow | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly datasetId: number,
    private readonly candleCount: number,
    private readonly onUpdate: (update: FeedUpdate) => void,
    private readonly fetcher?: Fetcher,
  ) {}

  get isLevelOfDetail(): boolean {
    return this.candleCount > FULL_LOAD_MAX;
  }

  private query(params: Record<string, number | undefined>): Promise<CandleQueryResult> {
    const q = Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    return apiRequest<CandleQueryResult>(`/api/datasets/${this.datasetId}/candles?${q}`, {}, this.fetcher);
  }

  async start(): Promise<void> {
    if (!this.isLevelOfDetail) {
      const all = await this.query({ maxPoints: FULL_LOAD_MAX });
      if (!this.disposed) this.onUpdate({ bars: toChartBars(all), initial: true, aggregated: all.bucketSize > 1 });
      return;
    }
    const overviewResult = await this.query({ maxPoints: OVERVIEW_POINTS });
    this.overview = toChartBars(overviewResult);
    const n = this.overview.time.length;
    // Open on the most recent candles, raw.
    const tailBuckets = Math.ceil(2_000 / Math.max(1, overviewResult.bucketSize));
    const from = this.overview.time[Math.max(0, n - tailBuckets)];
    const tail = await this.query({ from, maxPoints: FULL_LOAD_MAX });
    if (this.disposed) return;
    this.detail = { from, to: this.overview.endTime[n - 1] };
    this.onUpdate({ bars: mergeDetail(this.overview, toChartBars(tail)), initial: true, aggregated: true });
  }

  /** Called on every view change; fetches raw candles when zoomed in beyond the loaded detail. */
  onVisibleWindow(window: VisibleWindow): void {
    if (!this.isLevelOfDetail || this.disposed) return;
    this.pending = window;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refine(), 120);
  }

  private async refine(): Promise<void> {
    const w = this.pending;
    if (!w || this.inFlight || this.disposed || this.overview.time.length === 0) return;
    if (w.candles > DETAIL_TRIGGER_CANDLES) return;
    if (this.detail && w.fromTime >= this.detail.from && w.toTime <= this.detail.to) return;
    const width = Math.max(1, w.toTime - w.fromTime);
    const target = alignToBuckets(this.overview, w.fromTime - width, w.toTime + width);
    this.inFlight = true;
    try {
      const raw = await this.query({ from: target.from, to: target.to, maxPoints: FULL_LOAD_MAX });
      if (this.disposed) return;
      this.detail = target;
      this.onUpdate({ bars: mergeDetail(this.overview, toChartBars(raw)), initial: false, aggregated: true });
    } finally {
      this.inFlight = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
