'use client';
import { useCallback, useEffect, useState } from 'react';
import { DATASET_KEY, pickDataset } from '../lib/datasetChoice';
import type { Dataset } from '../types';

/**
 * The open dataset among `datasets` (undefined while loading), kept in the URL and in
 * localStorage so a reload or a shared link opens the same one.
 */
export function useDatasetSelection(datasets: readonly Dataset[] | undefined) {
  const [datasetId, setDatasetId] = useState<number | null>(null);

  useEffect(() => {
    if (!datasets) return;
    const pick = pickDataset(
      datasets.map((d) => d.id),
      datasetId,
      new URLSearchParams(window.location.search).get('dataset'),
      localStorage.getItem(DATASET_KEY),
    );
    if (pick !== datasetId) setDatasetId(pick);
  }, [datasets, datasetId]);

  const chooseDataset = useCallback((id: number) => {
    setDatasetId(id);
    localStorage.setItem(DATASET_KEY, String(id));
    const url = new URL(window.location.href);
    url.searchParams.set('dataset', String(id));
    window.history.replaceState(null, '', url);
  }, []);

  /** Forget the open dataset (it was deleted): the next list picks another. */
  const clearDataset = useCallback(() => setDatasetId(null), []);

  const dataset = datasets?.find((d) => d.id === datasetId) ?? null;
  return { datasetId, dataset, chooseDataset, clearDataset };
}
