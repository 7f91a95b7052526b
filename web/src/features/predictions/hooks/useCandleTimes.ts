'use client';
import { useResource } from '@/shared/useResource';
import { datasetsApi } from '@/features/datasets';

/** The open dataset's candle times: they map per-candle model output to the chart's time axis. */
export function useCandleTimes(datasetId: number | null): number[] {
  const res = useResource(
    () => (datasetId === null ? Promise.resolve([]) : datasetsApi.candleTimes(datasetId)),
    datasetId,
  );
  return res.error ? [] : (res.data ?? []);
}
