import { getDb } from '@/server/db/database';
import { readQuery, route, reply } from '@/server/http/handler';
import {
  syncProblemsQuerySchema,
  countOpenSyncProblems,
  listSyncProblems,
  lsSyncProblemsResponse,
} from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Label Studio events that could not be applied: `{ problems, open }` (open ones; `all=true` adds resolved ones). */
export const GET = route('viewer', async (request) => {
  const q = readQuery(request, syncProblemsQuerySchema);
  const db = getDb();
  return reply(lsSyncProblemsResponse, {
    problems: listSyncProblems(db, { includeResolved: q.all, limit: q.limit }),
    open: countOpenSyncProblems(db),
  });
});
