import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import { lsJobStatusSchema, jobStatus, labelStudioAccess, lsJobStatusResponse } from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Label Studio's training-job poll: `{ job }` → `{ job, job_status: started|finished|failed, state, version }`; 410 when unknown. */
export const POST = route(labelStudioAccess('viewer'), async (request) =>
  reply(lsJobStatusResponse, jobStatus((await readJson(request, lsJobStatusSchema, 64 * 1024)).job, getDb)),
);
