import { getDb } from '@/server/db/database';
import { readParams, route, type RouteParams, reply } from '@/server/http/handler';
import { syncProblemIdSchema, dismissProblem, lsSyncProblemResponse } from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Dismisses a sync problem (kept, marked resolved: dismissed): `{ problem }`. */
export const DELETE = route<'id'>('annotator', async (_request, context: RouteParams<'id'>) => {
  const { id } = await readParams(context, syncProblemIdSchema);
  return reply(lsSyncProblemResponse, { problem: dismissProblem(getDb, id) });
});
