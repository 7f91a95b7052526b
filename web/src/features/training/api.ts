import { apiRequest } from '@/shared/apiClient';
import type { TrainingJob, TrainingStartBody } from './types';

/** Training jobs from the UI: start, follow, cancel (promoting the result is the registry's: `modelsApi.promote`). */
export const trainingApi = {
  /** Stored jobs, newest first. */
  list: () => apiRequest<{ jobs: TrainingJob[] }>('/api/training').then((r) => r.jobs),
  get: (id: string) => apiRequest<{ job: TrainingJob }>(`/api/training/${id}`).then((r) => r.job),
  start: (body: TrainingStartBody) =>
    apiRequest<{ job: TrainingJob }>('/api/training', { method: 'POST', body: JSON.stringify(body) }).then(
      (r) => r.job,
    ),
  cancel: (id: string) => apiRequest<unknown>(`/api/training/${id}/cancel`, { method: 'POST' }),
};
