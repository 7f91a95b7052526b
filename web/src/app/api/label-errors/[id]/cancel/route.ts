import { getDb } from '@/server/db/database';
import { readParams, route, reply } from '@/server/http/handler';
import { runIdParams, cancelRun, labelErrorRunResponse } from '@/features/label-errors/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Stops a running label-error run at the engine's next cancellation point; it ends as `cancelled`. A finished run is returned unchanged. */
export const POST = route<'id'>('annotator', async (_request, context) => {
  const { id } = await readParams(context, runIdParams);
  return reply(labelErrorRunResponse, { run: cancelRun(getDb(), id) }, 202);
});
