import { getDb } from '@/server/db/database';
import { writerOf } from '@/server/http/annotator';
import { readJson, readQuery, route, reply } from '@/server/http/handler';
import {
  listAnnotations,
  applyOperations,
  annotationCreateSchema,
  annotationListQuery,
  annotationListResponse,
  annotationWriteResponse,
} from '@/features/annotations/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Live annotations, filtered by ?datasetId=, ?projectId=, ?source=human,talib. */
export const GET = route('viewer', async (request) => {
  const q = readQuery(request, annotationListQuery);
  return reply(annotationListResponse, {
    annotations: listAnnotations(getDb(), { datasetId: q.datasetId, projectId: q.projectId, sources: q.source }),
  });
});

/** Creates a span (the project's overlap policy applies). Returns it and every span the write changed. */
export const POST = route('annotator', async (request, _context, principal) => {
  const input = await readJson(request, annotationCreateSchema);
  const { results, changes } = applyOperations(
    getDb(),
    [{ op: 'create', annotation: input }],
    writerOf(principal, request, input.annotator),
  );
  return reply(annotationWriteResponse, { annotation: results[0]!, changes }, 201);
});
