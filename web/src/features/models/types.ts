/**
 * What the registry routes answer, as the server types them (`/api/models`, `/api/model/info`):
 * the client reads these, never its own copies.
 */
export type { ModelFallback, ModelInfo, ModelVersionSummary } from '@/server/engine';
