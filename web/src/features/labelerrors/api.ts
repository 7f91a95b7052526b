import { apiRequest } from '@/shared/apiClient';
import type { LabelCheckRun } from './types';

export interface LabelCheckOptions {
  preset: 'fast' | 'standard';
  datasetId?: number;
  includeTalib?: boolean;
  folds?: number;
}

export const labelCheckApi = {
  overview: () => apiRequest<{ latest: LabelCheckRun | null; running: LabelCheckRun | null; runs: LabelCheckRun[] }>('/api/label-errors'),
  start: (options: LabelCheckOptions) => apiRequest<{ run: LabelCheckRun }>('/api/label-errors', { method: 'POST', body: JSON.stringify(options) }).then((r) => r.run),
  get: (id: string) => apiRequest<{ run: LabelCheckRun }>(`/api/label-errors/${id}`).then((r) => r.run),
  cancel: (id: string) => apiRequest<{ run: LabelCheckRun }>(`/api/label-errors/${id}/cancel`, { method: 'POST' }).then((r) => r.run),
  review: (id: string, annotationId: string, decision: 'kept' | 'open') =>
    apiRequest<{ run: LabelCheckRun }>(`/api/label-errors/${id}/reviews`, { method: 'POST', body: JSON.stringify({ annotationId, decision }) }).then((r) => r.run),
};
