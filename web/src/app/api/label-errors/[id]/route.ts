import { getDb } from '@/server/db/database';
import { readParams, route, reply } from '@/server/http/handler';
import { runIdParams, getRun, labelErrorRunResponse } from '@/features/label-errors/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** One label-error run: live progress while running; ranked items and reviews once it succeeded. */
export const GET = route<'id'>('viewer', async (_request, context) => {
  const { id } = await readParams(context, runIdParams);
  return reply(labelErrorRunResponse, { run: getRun(getDb(), id) });
});
