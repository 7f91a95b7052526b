import { getDb } from '@/server/db/database';
import { json, readParams, route, type RouteParams } from '@/server/http/handler';
import { syncProblemIdSchema } from '@/features/labelstudio/server';
import { dismissProblem } from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Dismisses a sync problem (kept, marked resolved: dismissed): `{ problem }`. */
export const DELETE = route<'id'>('annotator', async (_request, context: RouteParams<'id'>) => {
  const { id } = await readParams(context, syncProblemIdSchema);
  return json({ problem: dismissProblem(getDb, id) });
});
