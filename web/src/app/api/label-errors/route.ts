import { getDb } from '@/server/db/database';
import { json, readJson, route } from '@/server/http/handler';
import { labelCheckStartSchema } from '@/features/labelerrors/schemas';
import { latestCheck, listChecks, startCheck } from '@/features/labelerrors/server/labelChecks';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The newest finished label check (items + reviews), the running one, and every stored run (without items). */
export const GET = route(async () => {
  const db = getDb();
  return json({ ...latestCheck(db), runs: listChecks(db) });
});

/** Starts a label check on the current spans: `{ preset?, datasetId?, includeTalib?, folds? }` → 202 + run. */
export const POST = route(async (request) => {
  const body = await readJson(request, labelCheckStartSchema, 64 * 1024);
  return json({ run: startCheck(getDb(), body) }, 202);
});
