import { apiRequest } from '@/shared/apiClient';
import type { ModelInfo, ModelVersionSummary } from './types';

/** The model registry as the model tab reads it. */
export const modelsApi = {
  /** Every registered version, oldest first. */
  list: () => apiRequest<{ models: ModelVersionSummary[] }>('/api/models').then((r) => r.models),
  /** A version's (or alias's) card: metrics, plots, and the fallback when the champion is damaged. */
  info: (versionOrAlias: string) =>
    apiRequest<ModelInfo>(`/api/model/info?model=${encodeURIComponent(versionOrAlias)}`),
  /** Makes a version the champion (`POST /api/training/promote`). */
  promote: (version: string) =>
    apiRequest<unknown>('/api/training/promote', { method: 'POST', body: JSON.stringify({ version }) }),
  /** The URL of a plot file of a version (an image the registry serves as it is). */
  plotUrl: (version: string, name: string) =>
    `/api/model-plot?model=${encodeURIComponent(version)}&name=${encodeURIComponent(name)}`,
};
