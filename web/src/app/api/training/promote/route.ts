import { readJson, route, reply } from '@/server/http/handler';
import { promoteSchema, promoteVersion, modelResponse } from '@/features/models/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Points the registry's `champion` at a version: `{ version }`. */
export const POST = route('admin', async (request) => {
  const { version } = await readJson(request, promoteSchema, 4096);
  return reply(modelResponse, { model: await promoteVersion(version) });
});
