import { getDb } from '@/server/db/database';
import { json, readParams, route } from '@/server/http/handler';
import { runIdParams } from '@/features/labelerrors/schemas';
import { cancelCheck } from '@/features/labelerrors/server/labelChecks';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Stops a running label check at the engine's next check; it ends as `cancelled`. A finished run is returned unchanged. */
export const POST = route<'id'>(async (_request, context) => {
  const { id } = await readParams(context, runIdParams);
  return json({ run: cancelCheck(getDb(), id) }, 202);
});
