import { apiRequest } from '@/shared/apiClient';
import type { SyncProblem } from './types';

export const labelStudioApi = {
  problems: (all = false) =>
    apiRequest<{ problems: SyncProblem[]; open: number }>(`/api/ls/problems${all ? '?all=true' : ''}`),
  retry: (id: number) =>
    apiRequest<{ problem: SyncProblem; result?: unknown }>(`/api/ls/problems/${id}/retry`, { method: 'POST' }),
  dismiss: (id: number) =>
    apiRequest<{ problem: SyncProblem }>(`/api/ls/problems/${id}`, { method: 'DELETE' }).then((r) => r.problem),
};
