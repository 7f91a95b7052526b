import { getDb } from '@/server/db/database';
import { notFound } from '@/server/http/apiError';
import { writerOf } from '@/server/http/annotator';
import { readJson, readParams, readQuery, route, reply } from '@/server/http/handler';
import {
  findAnnotation,
  applyOperations,
  annotationDeleteQuery,
  annotationIdParams,
  annotationPatchSchema,
  annotationDeleteResponse,
  annotationResponse,
  annotationWriteResponse,
} from '@/features/annotations/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = route<'id'>('viewer', async (_request, context) => {
  const { id } = await readParams(context, annotationIdParams);
  const annotation = findAnnotation(getDb(), id);
  if (!annotation) throw notFound('Annotation', id);
  return reply(annotationResponse, { annotation });
});

/** Updates a span. `version` must be the version last read: otherwise 409 STALE_WRITE (details.current holds the server's span). */
export const PATCH = route<'id'>('annotator', async (request, context, principal) => {
  const { id } = await readParams(context, annotationIdParams);
  const { version, annotator, ...patch } = await readJson(request, annotationPatchSchema);
  const { results, changes } = applyOperations(
    getDb(),
    [{ op: 'update', id, version, patch }],
    writerOf(principal, request, annotator),
  );
  return reply(annotationWriteResponse, { annotation: results[0]!, changes });
});

/** Deletes a span: `?version=` must be the version last read (409 STALE_WRITE otherwise). */
export const DELETE = route<'id'>('annotator', async (request, context, principal) => {
  const { id } = await readParams(context, annotationIdParams);
  const { version, annotator } = readQuery(request, annotationDeleteQuery);
  const { changes } = applyOperations(
    getDb(),
    [{ op: 'delete', id, version }],
    writerOf(principal, request, annotator),
  );
  return reply(annotationDeleteResponse, { deleted: id, changes });
});
