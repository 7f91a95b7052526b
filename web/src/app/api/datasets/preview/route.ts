import { json, readBody, readQuery, route } from '@/server/http/handler';
import { previewUpload } from '@/features/datasets/server/datasetImportService';
import { uploadQuerySchema } from '@/features/datasets/schemas';
import { maxUploadBytes } from '@/features/datasets/lib/uploadChecks';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Dry run of an upload: detected columns, series, and every rejected row. Stores nothing. */
export const POST = route(async (request) => {
  const query = readQuery(request, uploadQuerySchema);
  const bytes = await readBody(request, maxUploadBytes());
  return json({ preview: await previewUpload(bytes, query) });
});
