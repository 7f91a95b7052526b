import { apiRequest } from '@/shared/apiClient';
import type { ExportFormat } from './lib/exportFormats';
import type { SpanImportReport } from './types';

export function exportUrl(format: ExportFormat, datasetId?: number): string {
  const q = new URLSearchParams({ format });
  if (datasetId !== undefined) q.set('datasetId', String(datasetId));
  return `/api/annotations/export?${q}`;
}

export const interchangeApi = {
  importFile: (
    file: File,
    o: { format: string; datasetId?: number; timeUnit: string; createLabels: boolean; annotator: string },
  ) => {
    const q = new URLSearchParams({
      format: o.format,
      timeUnit: o.timeUnit,
      createLabels: String(o.createLabels),
      annotator: o.annotator,
    });
    if (o.datasetId !== undefined) q.set('datasetId', String(o.datasetId));
    return apiRequest<SpanImportReport>(`/api/annotations/import?${q}`, {
      method: 'POST',
      body: file,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
  },
};
