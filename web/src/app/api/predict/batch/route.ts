import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import {
  BATCH_MAX_BYTES,
  predictBatchBodySchema,
  predictMany,
  predictBatchResponse,
} from '@/features/predictions/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Several predictions at once (computed in parallel): `{ requests: [...] }` → `{ results: [...] }`, errors per item. */
export const POST = route('viewer', async (request) => {
  const { requests } = await readJson(request, predictBatchBodySchema, BATCH_MAX_BYTES);
  return reply(predictBatchResponse, { results: await predictMany(requests, getDb) });
});
