import { CSV_UPLOAD_TYPES } from '@/server/auth/requestPolicy';
import { readBody, readQuery, route, reply } from '@/server/http/handler';
import { previewUpload, uploadQuerySchema, datasetPreviewResponse } from '@/features/datasets/server';
import { maxUploadBytes } from '@/features/datasets';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Dry run of an upload: detected columns, series, and every rejected row. Stores nothing. */
export const POST = route({ access: 'annotator', accepts: CSV_UPLOAD_TYPES }, async (request) => {
  const query = readQuery(request, uploadQuerySchema);
  const bytes = await readBody(request, maxUploadBytes());
  return reply(datasetPreviewResponse, { preview: await previewUpload(bytes, query) });
});
