import { getDb } from '@/server/db/database';
import { CSV_UPLOAD_TYPES } from '@/server/auth/requestPolicy';
import { readBody, readQuery, route, reply } from '@/server/http/handler';
import { ServerTiming } from '@/server/http/serverTiming';
import { resolveProject, projectIdQuery } from '@/features/projects/server';
import {
  listDatasets,
  ensureDemoDatasets,
  importUpload,
  uploadQuerySchema,
  datasetListResponse,
  uploadResultSchema,
} from '@/features/datasets/server';
import { maxUploadBytes } from '@/features/datasets';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** All datasets of the project (the demo samples are seeded on the first call). */
export const GET = route('viewer', async (request) => {
  const { projectId } = readQuery(request, projectIdQuery);
  const db = getDb();
  const project = resolveProject(db, projectId);
  await ensureDemoDatasets(db, project.id);
  return reply(datasetListResponse, { datasets: listDatasets(db, project.id) });
});

/**
 * Uploads a CSV: the request body is the raw file (Content-Type text/csv or
 * application/octet-stream; see CSV_UPLOAD_TYPES), options in the query:
 * name, fileName, symbol, timeframe, onInvalidRow=fail|skip. Bodies over the limit get 413
 * before they are parsed. The response's Server-Timing header gives the phases (read, import,
 * store) in milliseconds.
 */
export const POST = route({ access: 'annotator', accepts: CSV_UPLOAD_TYPES }, async (request) => {
  const query = readQuery(request, uploadQuerySchema);
  const timing = new ServerTiming();
  const bytes = await timing.measureAsync('read', () => readBody(request, maxUploadBytes()));
  const db = getDb();
  const project = resolveProject(db, query.projectId);
  const uploaded = await importUpload(db, project.id, bytes, query, timing);
  return reply(uploadResultSchema, uploaded, 201, { 'Server-Timing': timing.header() });
});
