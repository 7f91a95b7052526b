import { apiRequest } from '@/shared/apiClient';
import type { CandleQueryResult, Dataset, ImportPreview, RejectedRow } from './types';

/** How to read the file, where detection should not decide (see docs/import.md). */
export interface ReadingOptions {
  dayFirst?: boolean;
  decimal?: '.' | ',';
  /** '' = no thousands separator. */
  thousands?: ',' | '.' | ' ' | "'" | '';
}

export interface UploadOptions extends ReadingOptions {
  name?: string;
  symbol?: string;
  timeframe?: string;
  onInvalidRow?: 'fail' | 'skip';
}

function uploadQuery(file: File, o: UploadOptions): string {
  const q = new URLSearchParams({ fileName: file.name });
  if (o.name) q.set('name', o.name);
  if (o.symbol) q.set('symbol', o.symbol);
  if (o.timeframe) q.set('timeframe', o.timeframe);
  if (o.onInvalidRow) q.set('onInvalidRow', o.onInvalidRow);
  if (o.dayFirst !== undefined) q.set('dayFirst', String(o.dayFirst));
  if (o.decimal) q.set('decimal', o.decimal);
  if (o.thousands !== undefined) q.set('thousands', o.thousands === '' ? 'none' : o.thousands);
  return q.toString();
}

export const datasetsApi = {
  list: () => apiRequest<{ datasets: Dataset[] }>('/api/datasets').then((r) => r.datasets),
  preview: (file: File, o: UploadOptions = {}) =>
    apiRequest<{ preview: ImportPreview }>(`/api/datasets/preview?${uploadQuery(file, o)}`, {
      method: 'POST',
      body: file,
      headers: { 'Content-Type': 'text/csv' },
    }).then((r) => r.preview),
  upload: (file: File, o: UploadOptions) =>
    apiRequest<{ datasets: Dataset[]; rejectedCount: number; rejected: RejectedRow[] }>(
      `/api/datasets?${uploadQuery(file, o)}`,
      {
        method: 'POST',
        body: file,
        headers: { 'Content-Type': 'text/csv' },
      },
    ),
  update: (id: number, patch: { name?: string; symbol?: string | null; timeframe?: string | null }) =>
    apiRequest<{ dataset: Dataset }>(`/api/datasets/${id}`, { method: 'PATCH', body: JSON.stringify(patch) }).then(
      (r) => r.dataset,
    ),
  /** The times (epoch ms) of a dataset's candles, aggregated beyond `maxPoints`. */
  candleTimes: (id: number, maxPoints = 200_000) =>
    apiRequest<CandleQueryResult>(`/api/datasets/${id}/candles?maxPoints=${maxPoints}`).then((r) => r.candles.time),
  remove: (id: number) => apiRequest<{ deleted: number }>(`/api/datasets/${id}`, { method: 'DELETE' }),
};
