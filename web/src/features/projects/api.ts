import { apiRequest } from '@/shared/apiClient';
import type { OverlapPolicy, Project } from './types';

export const projectApi = {
  get: () => apiRequest<{ project: Project }>('/api/project').then((r) => r.project),
  update: (patch: { name?: string; overlapPolicy?: OverlapPolicy }) =>
    apiRequest<{ project: Project }>('/api/project', { method: 'PATCH', body: JSON.stringify(patch) }).then(
      (r) => r.project,
    ),
};
