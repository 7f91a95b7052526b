'use client';
import { useEffect, useRef, useState, type MutableRefObject } from 'react';
import { CandleFeed, barReadout, type BarReadout, type ChartController } from '@/features/chart';
import type { AnnotationStore } from '@/features/annotations';
import type { Dataset } from '@/features/datasets';
import { isIntraday } from '../lib/spans';

export interface CandleFeedInput {
  controller: ChartController | null;
  dataset: Dataset | null;
  store: AnnotationStore;
  /** A range to show once the dataset being opened has loaded (a "find similar" result); consumed. */
  revealAfterLoad: MutableRefObject<{ start: number; end: number } | null>;
  /** A dataset is being opened: forget the selection of the previous one. */
  onOpen: () => void;
}

/**
 * Opens the dataset on the chart: loads its spans into the store and streams its candles (the
 * whole range coarse, then detail as the view zooms in). Reopened when the dataset or its candle
 * count changes. Returns the loading state, the last bar (the legend's fallback) and the feed.
 */
export function useCandleFeed({ controller, dataset, store, revealAfterLoad, onOpen }: CandleFeedInput) {
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [lastBar, setLastBar] = useState<BarReadout | null>(null);
  const feedRef = useRef<CandleFeed | null>(null);
  const latest = useRef({ dataset, onOpen });
  latest.current = { dataset, onOpen };

  const datasetKey = dataset ? `${dataset.id}:${dataset.candleCount}` : null;
  useEffect(() => {
    const { dataset, onOpen } = latest.current;
    if (!controller || !dataset) return;
    onOpen();
    setError(null);
    setLoading(true);
    void store.load(dataset.id);
    const feed = new CandleFeed(dataset.id, dataset.candleCount, ({ bars, initial }) => {
      controller.setBars(
        bars,
        initial ? { initialView: 'end', intraday: isIntraday(dataset.timeframe) } : { keepView: true },
      );
      if (initial && bars.time.length) setLastBar(barReadout(bars, bars.time.length - 1));
      const reveal = revealAfterLoad.current;
      if (initial && reveal) {
        revealAfterLoad.current = null;
        controller.revealRange(reveal.start, reveal.end);
      }
      setLoading(false);
    });
    feedRef.current = feed;
    feed.start().catch((e) => {
      setLoading(false);
      setError(`Could not load candles: ${(e as Error).message}`);
    });
    return () => feed.dispose();
  }, [controller, datasetKey, store, revealAfterLoad]);

  return { loading, error, lastBar, feedRef };
}
