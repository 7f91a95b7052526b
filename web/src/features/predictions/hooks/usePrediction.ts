'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { VisibleWindow } from '@/features/chart';
import { predictionsApi } from '../api';
import {
  isWindowed,
  needsLoad,
  rangeToLoad,
  windowCandles,
  type DatasetExtent,
  type TimeRange,
} from '../lib/predictionWindow';
import type { DatasetPrediction } from '../types';

/** How long the view must rest before a window outside what is loaded is requested. */
const WINDOW_DEBOUNCE_MS = 250;

export interface PredictionState {
  prediction: DatasetPrediction | null;
  predicting: boolean;
  error: string | null;
  /** The dataset is predicted in windows that follow the view (more candles than the threshold). */
  windowed: boolean;
  /** The time range the shown prediction covers (windowed), else null. */
  loaded: TimeRange | null;
  /** Feed the chart's visible window here: a view outside what is loaded requests a new window. */
  onVisibleWindow: (window: VisibleWindow) => void;
}

/**
 * The chosen model's prediction over the open dataset, requested again whenever the dataset, the
 * model or the number of registered models changes (a newly trained model answers at once). Up to
 * `threshold` candles the whole dataset is predicted; above it, the visible range plus a margin
 * (lib/predictionWindow.ts), requested again (debounced; the request in flight is aborted) when
 * the view leaves what is loaded.
 */
export function usePrediction(
  datasetId: number | null,
  modelRef: string,
  modelCount: number,
  extent: DatasetExtent | null,
  threshold: number,
): PredictionState {
  const [prediction, setPrediction] = useState<DatasetPrediction | null>(null);
  const [predicting, setPredicting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<TimeRange | null>(null);
  const windowed = extent !== null && isWindowed(extent, threshold);

  const inFlight = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** What was last asked for (loaded or on its way): a view inside it needs no request. */
  const requested = useRef<TimeRange | null>(null);
  const lastView = useRef<TimeRange | null>(null);
  /** The request parameters now in force; null: nothing to predict (no dataset or no model). */
  const target = useRef<{ datasetId: number; modelRef: string; extent: DatasetExtent; threshold: number } | null>(null);

  const stop = useCallback(() => {
    inFlight.current?.abort();
    inFlight.current = null;
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
  }, []);

  const request = useCallback(
    (range: TimeRange | undefined) => {
      const t = target.current;
      if (!t) return;
      stop();
      const controller = new AbortController();
      inFlight.current = controller;
      requested.current = range ?? null;
      setPredicting(true);
      setError(null);
      predictionsApi
        .predictDataset(t.datasetId, t.modelRef, range, controller.signal)
        .then((res) => {
          if (controller.signal.aborted) return;
          setPrediction(res);
          setLoaded(range ?? null);
        })
        .catch((e: Error) => {
          if (controller.signal.aborted) return;
          setError(e.message);
          requested.current = null; // the next view change tries again
        })
        .finally(() => {
          if (inFlight.current !== controller) return;
          inFlight.current = null;
          setPredicting(false);
        });
    },
    [stop],
  );

  const requestWindowIfNeeded = useCallback(
    (debounce: boolean) => {
      const t = target.current;
      const view = lastView.current;
      if (!t || !view || !isWindowed(t.extent, t.threshold)) return;
      const size = windowCandles(t.threshold);
      if (!needsLoad(view, requested.current, t.extent, size)) return;
      if (timer.current !== null) clearTimeout(timer.current);
      const send = () => {
        timer.current = null;
        const now = lastView.current;
        if (now) request(rangeToLoad(now, t.extent, size));
      };
      if (debounce) timer.current = setTimeout(send, WINDOW_DEBOUNCE_MS);
      else send();
    },
    [request],
  );

  // A new dataset's view is not the old one's (before the effect below reads it).
  useEffect(() => {
    lastView.current = null;
  }, [datasetId]);

  const extentKey = extent ? `${extent.candleCount}:${extent.firstTime}:${extent.lastTime}` : '';
  useEffect(() => {
    setPrediction(null);
    setLoaded(null);
    setError(null);
    requested.current = null;
    if (!modelCount || datasetId === null || extent === null) {
      target.current = null;
      setPredicting(false);
      return;
    }
    target.current = { datasetId, modelRef, extent, threshold };
    if (isWindowed(extent, threshold)) {
      // The first window as soon as the chart reports its view (at once if it already has).
      setPredicting(true);
      requestWindowIfNeeded(false);
    } else request(undefined);
    return () => {
      target.current = null;
      stop();
    };
    // `extent` is read through extentKey: a new object with the same values is the same dataset.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasetId, modelRef, modelCount, extentKey, threshold, request, requestWindowIfNeeded, stop]);

  const onVisibleWindow = useCallback(
    (w: VisibleWindow) => {
      lastView.current = { from: w.fromTime, to: w.toTime };
      requestWindowIfNeeded(true);
    },
    [requestWindowIfNeeded],
  );

  return { prediction, predicting, error, windowed, loaded, onVisibleWindow };
}
