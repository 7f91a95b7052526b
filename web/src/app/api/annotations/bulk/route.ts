import { getDb } from '@/server/db/database';
import { writerOf } from '@/server/http/annotator';
import { readJson, route, reply } from '@/server/http/handler';
import { applyOperations, bulkRequestSchema, bulkWriteResponse } from '@/features/annotations/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Several operations (create / update / delete / restore) in one transaction: all are applied or
 * none (e.g. 409 STALE_WRITE if any names an outdated version).
 */
export const POST = route('annotator', async (request, _context, principal) => {
  const body = await readJson(request, bulkRequestSchema, 50 * 1024 * 1024);
  return reply(
    bulkWriteResponse,
    applyOperations(getDb(), body.operations, writerOf(principal, request, body.annotator)),
  );
});
