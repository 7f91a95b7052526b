import { getDb } from '@/server/db/database';
import { readParams, route, type RouteParams, reply } from '@/server/http/handler';
import { syncProblemIdSchema, retryProblem, lsRetryResponse } from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Applies a stored event again: `{ problem, result? }` (`problem.resolvedAt` set when it applied). */
export const POST = route<'id'>('annotator', async (_request, context: RouteParams<'id'>) => {
  const { id } = await readParams(context, syncProblemIdSchema);
  return reply(lsRetryResponse, await retryProblem(getDb, id));
});
