import { readQuery, route, reply } from '@/server/http/handler';
import { modelInfoQuerySchema, describeModel, modelInfoSchema } from '@/features/models/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** A model version's metadata and per-class metrics: `?model=` a version or alias (`champion` by default). */
export const GET = route('viewer', async (request) => {
  const { model } = readQuery(request, modelInfoQuerySchema);
  return reply(modelInfoSchema, await describeModel(model));
});
