import { apiRequest } from '@/shared/apiClient';
import type { AutoLabelResponse, AutoLabelRun } from './types';

export interface PatternInfo {
  name: string;
  label: string;
  candles: number;
}

export const autoLabelApi = {
  patterns: () => apiRequest<{ patterns: PatternInfo[] }>('/api/patterns').then((r) => r.patterns),
  latest: (datasetId: number) =>
    apiRequest<{ run: AutoLabelRun | null }>(`/api/datasets/${datasetId}/autolabel`).then((r) => r.run),
  run: (datasetId: number, body: { patterns: string[]; minStrength: number | null; annotator: string }) =>
    apiRequest<AutoLabelResponse>(`/api/datasets/${datasetId}/autolabel`, {
      method: 'POST',
      body: JSON.stringify(body),
    }),
  clear: (datasetId: number) =>
    apiRequest<{ deletedSpans: number }>(`/api/datasets/${datasetId}/autolabel`, { method: 'DELETE' }),
};
