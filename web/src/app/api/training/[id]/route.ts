import { getDb } from '@/server/db/database';
import { readParams, route, reply } from '@/server/http/handler';
import { jobIdParams, getJob, trainingJobResponse } from '@/features/training/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** A job's state, stage and overall fraction (poll it); the new version's metrics once it succeeded. */
export const GET = route<'id'>('viewer', async (_request, context) => {
  const { id } = await readParams(context, jobIdParams);
  return reply(trainingJobResponse, { job: getJob(getDb(), id) });
});
