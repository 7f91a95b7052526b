import { ApiRequestError, apiRequest } from '@/shared/apiClient';
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
  /** The most bytes an upload may have (the server's CANDLE_MAX_UPLOAD_BYTES). */
  uploadLimit: () => apiRequest<{ uploadLimitBytes: number }>('/api/datasets').then((r) => r.uploadLimitBytes),
  preview: (file: File, o: UploadOptions = {}) =>
    apiRequest<{ preview: ImportPreview }>(`/api/datasets/preview?${uploadQuery(file, o)}`, {
      method: 'POST',
      body: file,
      headers: { 'Content-Type': 'text/csv' },
    }).then((r) => r.preview),
  /**
   * Imports `file`. With the `stagedId` of its preview (read with the same options) the server
   * stores that parse and the file is not sent again; when the server no longer has it (409
   * STAGED_UPLOAD_GONE: expired, restarted, other options) the file is sent after all.
   */
  upload: async (file: File, o: UploadOptions, stagedId?: string) => {
    type Uploaded = { datasets: Dataset[]; rejectedCount: number; rejected: RejectedRow[] };
    const send = (staged: string | undefined) => {
      const query = uploadQuery(file, o);
      return apiRequest<Uploaded>(`/api/datasets?${query}${staged ? `&staged=${encodeURIComponent(staged)}` : ''}`, {
        method: 'POST',
        body: staged ? '' : file,
        headers: { 'Content-Type': 'text/csv' },
      });
    };
    if (!stagedId) return send(undefined);
    try {
      return await send(stagedId);
    } catch (e) {
      if (e instanceof ApiRequestError && e.code === 'STAGED_UPLOAD_GONE') return send(undefined);
      throw e;
    }
  },
  update: (id: number, patch: { name?: string; symbol?: string | null; timeframe?: string | null }) =>
    apiRequest<{ dataset: Dataset }>(`/api/datasets/${id}`, { method: 'PATCH', body: JSON.stringify(patch) }).then(
      (r) => r.dataset,
    ),
  /** The times (epoch ms) of a dataset's candles, aggregated beyond `maxPoints`. */
  candleTimes: (id: number, maxPoints = 200_000) =>
    apiRequest<CandleQueryResult>(`/api/datasets/${id}/candles?maxPoints=${maxPoints}`).then((r) => r.candles.time),
  remove: (id: number) => apiRequest<{ deleted: number }>(`/api/datasets/${id}`, { method: 'DELETE' }),
};
