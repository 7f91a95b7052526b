import { apiRequest } from '@/shared/apiClient';
import type { DatasetPrediction, ReviewedRegion } from './types';
import type { TimeRange } from './lib/predictionWindow';

const reviewedPath = (datasetId: number) => `/api/datasets/${datasetId}/reviewed-regions`;

/** What a model predicts, as the model tab asks for it. */
export const predictionsApi = {
  /**
   * The model's spans over a stored dataset (or the candles of `range` in it: the server adds the
   * model's feature warm-up before `range.from`), with per-candle output for the strip and active learning.
   */
  predictDataset: (datasetId: number, model: string, range?: TimeRange, signal?: AbortSignal) =>
    apiRequest<DatasetPrediction>('/api/predict', {
      method: 'POST',
      body: JSON.stringify({ datasetId, ...(range ?? {}), options: { model, perCandle: true } }),
      signal,
    }),
};

export const reviewedRegionsApi = {
  list: (datasetId: number, modelVersion: string) =>
    apiRequest<{ reviewed: ReviewedRegion[] }>(
      `${reviewedPath(datasetId)}?modelVersion=${encodeURIComponent(modelVersion)}`,
    ).then((r) => r.reviewed),
  mark: (
    datasetId: number,
    region: { modelVersion: string; candleIndex: number; startTime: number; endTime: number },
  ) =>
    apiRequest<{ region: ReviewedRegion }>(reviewedPath(datasetId), {
      method: 'POST',
      body: JSON.stringify(region),
    }).then((r) => r.region),
  clear: (datasetId: number, modelVersion: string) =>
    apiRequest<{ deleted: number }>(`${reviewedPath(datasetId)}?modelVersion=${encodeURIComponent(modelVersion)}`, {
      method: 'DELETE',
    }).then((r) => r.deleted),
};
