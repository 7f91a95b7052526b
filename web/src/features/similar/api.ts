import { apiRequest } from '@/shared/apiClient';
import type { SimilarRequestInput } from './schemas';
import type { SimilarResponse, SimilarRunView } from './types';

export const similarApi = {
  /** Ranked windows shaped like the query span; `signal` aborts the search (the server cancels the engine run). */
  find: (request: SimilarRequestInput, signal?: AbortSignal) =>
    apiRequest<SimilarResponse>('/api/similar', { method: 'POST', body: JSON.stringify(request), signal }),
  /** The latest searches reaching a dataset, as labelling-function report rows. */
  runs: (datasetId: number) =>
    apiRequest<{ runs: SimilarRunView[] }>(`/api/similar?datasetId=${datasetId}`).then((r) => r.runs),
};
