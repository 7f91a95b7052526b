import { getDb } from '@/server/db/database';
import { readParams, route, reply } from '@/server/http/handler';
import { jobIdParams, cancelJob, trainingJobResponse } from '@/features/training/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Asks a running job to stop at the engine's next check; it ends as `cancelled`, publishing nothing. A finished job is returned unchanged. */
export const POST = route<'id'>('annotator', async (_request, context) => {
  const { id } = await readParams(context, jobIdParams);
  return reply(trainingJobResponse, { job: cancelJob(getDb(), id) }, 202);
});
