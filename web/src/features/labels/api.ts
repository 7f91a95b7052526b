import { apiRequest } from '@/shared/apiClient';
import type { Label } from './types';

export interface LabelInput {
  name: string;
  color: string;
  hotkey: number | null;
  description: string;
}

export const labelsApi = {
  list: () => apiRequest<{ labels: Label[] }>('/api/labels').then((r) => r.labels),
  create: (input: LabelInput) =>
    apiRequest<{ label: Label }>('/api/labels', { method: 'POST', body: JSON.stringify(input) }).then((r) => r.label),
  update: (id: number, patch: Partial<LabelInput>) =>
    apiRequest<{ label: Label }>(`/api/labels/${id}`, { method: 'PATCH', body: JSON.stringify(patch) }).then(
      (r) => r.label,
    ),
  remove: (id: number, disposition?: { spans: 'delete' } | { spans: 'reassign'; reassignTo: number }) => {
    const q = disposition
      ? `?spans=${disposition.spans}${disposition.spans === 'reassign' ? `&reassignTo=${disposition.reassignTo}` : ''}`
      : '';
    return apiRequest<{ deleted: number; deletedSpans: number; reassignedSpans: number }>(`/api/labels/${id}${q}`, {
      method: 'DELETE',
    });
  },
};
