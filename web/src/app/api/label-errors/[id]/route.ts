import { getDb } from '@/server/db/database';
import { json, readParams, route } from '@/server/http/handler';
import { runIdParams } from '@/features/labelerrors/schemas';
import { getRun } from '@/features/labelerrors/server/labelChecks';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** One label check: live progress while running; ranked items and reviews once it succeeded. */
export const GET = route<'id'>(async (_request, context) => {
  const { id } = await readParams(context, runIdParams);
  return json({ run: getRun(getDb(), id) });
});
