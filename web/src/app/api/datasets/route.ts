import { getDb } from '@/server/db/database';
import { CSV_UPLOAD_TYPES } from '@/server/auth/requestPolicy';
import { declaredLength, readQuery, route, reply } from '@/server/http/handler';
import { ServerTiming } from '@/server/http/serverTiming';
import { resolveProject, projectIdQuery } from '@/features/projects/server';
import {
  listDatasets,
  ensureDemoDatasets,
  importUpload,
  readCsvUpload,
  importStaged,
  stagedOwner,
  uploadGate,
  uploadQuerySchema,
  datasetListResponse,
  uploadResultSchema,
} from '@/features/datasets/server';
import { maxUploadBytes } from '@/features/datasets';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** All datasets of the project (the demo samples are seeded on the first call) and the upload limit. */
export const GET = route('viewer', async (request) => {
  const { projectId } = readQuery(request, projectIdQuery);
  const db = getDb();
  const project = resolveProject(db, projectId);
  await ensureDemoDatasets(db, project.id);
  return reply(datasetListResponse, { datasets: listDatasets(db, project.id), uploadLimitBytes: maxUploadBytes() });
});

/**
 * Uploads a CSV: the request body is the raw file (Content-Type text/csv or
 * application/octet-stream; see CSV_UPLOAD_TYPES), options in the query:
 * name, fileName, symbol, timeframe, onInvalidRow=fail|skip. Bodies over the limit get 413
 * before they are parsed. The response's Server-Timing header gives the phases (read, import,
 * store) in milliseconds. Large uploads take turns (uploadGate: 503 UPLOADS_BUSY when too many wait).
 * With `staged` (a preview's stagedId) the body is not read: the preview's parse is stored.
 */
export const POST = route({ access: 'annotator', accepts: CSV_UPLOAD_TYPES }, async (request, _context, principal) => {
  const query = readQuery(request, uploadQuerySchema);
  const db = getDb();
  const project = resolveProject(db, query.projectId);
  const timing = new ServerTiming();
  if (query.staged) {
    // The preview's parse, stored without reading a body (409 STAGED_UPLOAD_GONE: send the file).
    const staged = importStaged(db, project.id, query.staged, stagedOwner(principal), query, timing);
    return reply(uploadResultSchema, staged, 201, { 'Server-Timing': timing.header() });
  }
  const uploaded = await uploadGate().run(declaredLength(request), async () => {
    const file = await timing.measureAsync('read', () => readCsvUpload(request, maxUploadBytes()));
    return importUpload(db, project.id, file, query, timing);
  });
  return reply(uploadResultSchema, uploaded, 201, { 'Server-Timing': timing.header() });
});
