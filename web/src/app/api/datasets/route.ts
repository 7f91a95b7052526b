import { getDb } from '@/server/db/database';
import { json, readBody, readQuery, route } from '@/server/http/handler';
import { resolveProject } from '@/features/projects/server/projectRepository';
import { projectIdQuery } from '@/features/projects/schemas';
import { listDatasets } from '@/features/datasets/server/datasetRepository';
import { ensureDemoDatasets } from '@/features/datasets/server/demoDatasets';
import { importUpload } from '@/features/datasets/server/datasetImportService';
import { uploadQuerySchema } from '@/features/datasets/schemas';
import { maxUploadBytes } from '@/features/datasets/lib/uploadChecks';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** All datasets of the project (the demo samples are seeded on the first call). */
export const GET = route(async (request) => {
  const { projectId } = readQuery(request, projectIdQuery);
  const db = getDb();
  const project = resolveProject(db, projectId);
  await ensureDemoDatasets(db, project.id);
  return json({ datasets: listDatasets(db, project.id) });
});

/**
 * Uploads a CSV: the request body is the raw file (any content type), options in the query:
 * name, fileName, symbol, timeframe, onInvalidRow=fail|skip. Bodies over the limit get 413
 * before they are parsed.
 */
export const POST = route(async (request) => {
  const query = readQuery(request, uploadQuerySchema);
  const bytes = await readBody(request, maxUploadBytes());
  const db = getDb();
  const project = resolveProject(db, query.projectId);
  return json(await importUpload(db, project.id, bytes, query), 201);
});
