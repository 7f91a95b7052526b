import { apiRequest } from '@/shared/apiClient';
import type { ReviewedRegion } from './types';

const reviewedPath = (datasetId: number) => `/api/datasets/${datasetId}/reviewed-regions`;

export const reviewedRegionsApi = {
  list: (datasetId: number, modelVersion: string) =>
    apiRequest<{ reviewed: ReviewedRegion[] }>(`${reviewedPath(datasetId)}?modelVersion=${encodeURIComponent(modelVersion)}`).then((r) => r.reviewed),
  mark: (datasetId: number, region: { modelVersion: string; candleIndex: number; startTime: number; endTime: number }) =>
    apiRequest<{ region: ReviewedRegion }>(reviewedPath(datasetId), { method: 'POST', body: JSON.stringify(region) }).then((r) => r.region),
  clear: (datasetId: number, modelVersion: string) =>
    apiRequest<{ deleted: number }>(`${reviewedPath(datasetId)}?modelVersion=${encodeURIComponent(modelVersion)}`, { method: 'DELETE' }).then((r) => r.deleted),
};
