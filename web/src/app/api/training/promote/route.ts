import { json, readJson, route } from '@/server/http/handler';
import { promoteSchema } from '@/features/training/schemas';
import { promoteVersion } from '@/features/training/server/trainingJobs';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Points the registry's `champion` at a version: `{ version }`. */
export const POST = route(async (request) => {
  const { version } = await readJson(request, promoteSchema, 4096);
  return json({ model: await promoteVersion(version) });
});
