import { CSV_UPLOAD_TYPES } from '@/server/auth/requestPolicy';
import { declaredLength, readQuery, route, reply } from '@/server/http/handler';
import { ServerTiming } from '@/server/http/serverTiming';
import {
  previewUpload,
  readCsvUpload,
  previewQuerySchema,
  datasetPreviewResponse,
  stagedOwner,
  uploadGate,
} from '@/features/datasets/server';
import { maxUploadBytes } from '@/features/datasets';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Dry run of an upload: detected columns, series, and every rejected row. Stores no dataset; the
 * parse is kept for the user's Import (`stagedId`, stagedUploads). Large uploads take turns with
 * imports (uploadGate). Server-Timing gives the phases (read, import) in milliseconds.
 */
export const POST = route({ access: 'annotator', accepts: CSV_UPLOAD_TYPES }, async (request, _context, principal) => {
  const query = readQuery(request, previewQuerySchema);
  const timing = new ServerTiming();
  const preview = await uploadGate().run(declaredLength(request), async () => {
    const file = await timing.measureAsync('read', () => readCsvUpload(request, maxUploadBytes()));
    return previewUpload(file, query, stagedOwner(principal), timing);
  });
  return reply(datasetPreviewResponse, { preview }, 200, { 'Server-Timing': timing.header() });
});
