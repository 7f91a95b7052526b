import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import {
  labelErrorRunStartSchema,
  latestRun,
  listAllRuns,
  startRun,
  labelErrorOverviewResponse,
  labelErrorRunResponse,
} from '@/features/label-errors/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The newest finished label-error run (items + reviews), the running one, and every stored run (without items). */
export const GET = route('viewer', async () => {
  const db = getDb();
  return reply(labelErrorOverviewResponse, { ...latestRun(db), runs: listAllRuns(db) });
});

/** Starts a label-error run on the current spans: `{ preset?, datasetId?, includeTalib?, folds? }` → 202 + run. */
export const POST = route('annotator', async (request) => {
  const body = await readJson(request, labelErrorRunStartSchema, 64 * 1024);
  return reply(labelErrorRunResponse, { run: startRun(getDb(), body) }, 202);
});
