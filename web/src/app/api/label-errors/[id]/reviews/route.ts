import { getDb } from '@/server/db/database';
import { readJson, readParams, route, reply } from '@/server/http/handler';
import { reviewSchema, runIdParams, reviewItem, labelErrorRunResponse } from '@/features/label-errors/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Records that a person keeps a flagged span's label (`kept`), or takes that back (`open`). */
export const POST = route<'id'>('annotator', async (request, context) => {
  const { id } = await readParams(context, runIdParams);
  const body = await readJson(request, reviewSchema, 4 * 1024);
  return reply(labelErrorRunResponse, { run: reviewItem(getDb(), id, body) });
});
