import { apiRequest } from '@/shared/apiClient';
import type { LabelErrorRun } from './types';

export interface LabelErrorRunOptions {
  preset: 'fast' | 'standard';
  datasetId?: number;
  includeTalib?: boolean;
  folds?: number;
}

export const labelErrorsApi = {
  overview: () =>
    apiRequest<{ latest: LabelErrorRun | null; running: LabelErrorRun | null; runs: LabelErrorRun[] }>(
      '/api/label-errors',
    ),
  start: (options: LabelErrorRunOptions) =>
    apiRequest<{ run: LabelErrorRun }>('/api/label-errors', { method: 'POST', body: JSON.stringify(options) }).then(
      (r) => r.run,
    ),
  get: (id: string) => apiRequest<{ run: LabelErrorRun }>(`/api/label-errors/${id}`).then((r) => r.run),
  cancel: (id: string) =>
    apiRequest<{ run: LabelErrorRun }>(`/api/label-errors/${id}/cancel`, { method: 'POST' }).then((r) => r.run),
  review: (id: string, annotationId: string, decision: 'kept' | 'open') =>
    apiRequest<{ run: LabelErrorRun }>(`/api/label-errors/${id}/reviews`, {
      method: 'POST',
      body: JSON.stringify({ annotationId, decision }),
    }).then((r) => r.run),
};
