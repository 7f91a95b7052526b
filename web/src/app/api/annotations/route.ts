import { getDb } from '@/server/db/database';
import { annotatorOf } from '@/server/http/annotator';
import { json, readJson, readQuery, route } from '@/server/http/handler';
import { listAnnotations } from '@/features/annotations/server/annotationRepository';
import { applyOperations } from '@/features/annotations/server/annotationService';
import { annotationCreateSchema, annotationListQuery } from '@/features/annotations/schemas';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Live annotations, filtered by ?datasetId=, ?projectId=, ?source=human,talib. */
export const GET = route(async (request) => {
  const q = readQuery(request, annotationListQuery);
  return json({ annotations: listAnnotations(getDb(), { datasetId: q.datasetId, projectId: q.projectId, sources: q.source }) });
});

/** Creates a span (the project's overlap policy applies). Returns it and every span the write changed. */
export const POST = route(async (request) => {
  const input = await readJson(request, annotationCreateSchema);
  const { results, changes } = applyOperations(getDb(), [{ op: 'create', annotation: input }], { annotator: annotatorOf(request, input.annotator) });
  return json({ annotation: results[0], changes }, 201);
});
