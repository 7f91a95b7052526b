'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { reviewedRegionsApi } from '../api';
import { nextUncertainRegion, reviewedAmong, type UncertainRegion } from '../lib/activeLearning';
import { uncertainCandles, type UncertaintyMetric } from '../lib/predictionLogic';
import type { PerCandleRows } from '../types';

type Notify = (kind: 'info' | 'warning' | 'error', message: string) => void;

export interface ActiveLearningInput {
  datasetId: number | null;
  /** The version that answered (reviews are kept per dataset and version); null: no prediction. */
  modelVersion: string | null;
  perCandle: PerCandleRows | undefined;
  candleTimes: readonly number[];
  /** The dataset index of the first predicted candle (a range of a big dataset); 0 by default. */
  firstIndex?: number;
  notify: Notify;
  /** Shows a region on the chart. */
  onReveal: (region: UncertainRegion) => void;
}

/**
 * "Next uncertain": the candidates (most uncertain candles, `metric`, at least `diversity` candles
 * apart), which of them were reviewed (stored, so the count survives a reload), the next one to
 * show, and forgetting the reviews of this version.
 */
export function useActiveLearning({
  datasetId,
  modelVersion,
  perCandle,
  candleTimes,
  firstIndex = 0,
  notify,
  onReveal,
}: ActiveLearningInput) {
  const [metric, setMetric] = useState<UncertaintyMetric>('entropy');
  const [diversity, setDiversity] = useState(5);
  const [reviewed, setReviewed] = useState<number[]>([]);

  useEffect(() => {
    setReviewed([]);
    if (datasetId === null || modelVersion === null) return;
    let current = true;
    reviewedRegionsApi
      .list(datasetId, modelVersion)
      .then((stored) => current && setReviewed((r) => [...new Set([...stored.map((x) => x.candleIndex), ...r])]))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [datasetId, modelVersion]);

  // As dataset indices: reviews are stored by the candle's index in the dataset.
  const candidates = useMemo(
    () => (perCandle ? uncertainCandles(perCandle, metric, diversity).map((i) => i + firstIndex) : []),
    [perCandle, metric, diversity, firstIndex],
  );
  const reviewedCount = useMemo(() => reviewedAmong(candidates, reviewed), [candidates, reviewed]);

  const nextUncertain = useCallback(() => {
    const next = nextUncertainRegion(candidates, reviewed, candleTimes, firstIndex);
    if (next.kind !== 'region') {
      notify('info', next.message);
      return;
    }
    const { region } = next;
    setReviewed((r) => [...r, region.candleIndex]);
    if (datasetId !== null && modelVersion !== null) {
      reviewedRegionsApi
        .mark(datasetId, { modelVersion, ...region })
        .catch((e: Error) => notify('warning', `This review was not saved: ${e.message}`));
    }
    onReveal(region);
  }, [candidates, reviewed, candleTimes, firstIndex, notify, datasetId, modelVersion, onReveal]);

  const resetReviewed = useCallback(async () => {
    if (datasetId === null || modelVersion === null) return;
    try {
      await reviewedRegionsApi.clear(datasetId, modelVersion);
      setReviewed([]);
    } catch (e) {
      notify('error', `Could not reset the reviewed regions: ${(e as Error).message}`);
    }
  }, [datasetId, modelVersion, notify]);

  return {
    metric,
    setMetric,
    diversity,
    setDiversity,
    candidates,
    reviewed,
    reviewedCount,
    nextUncertain,
    resetReviewed,
  };
}
