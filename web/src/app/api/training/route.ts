import { getDb } from '@/server/db/database';
import { json, readJson, route } from '@/server/http/handler';
import { trainingStartSchema } from '@/features/training/server';
import { listJobs, startJob } from '@/features/training/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Training jobs, newest first: running ones with live progress, and finished ones kept across server restarts. */
export const GET = route('viewer', async () => json({ jobs: listJobs(getDb()) }));

/** Starts training on the current spans: `{ preset: 'fast' | 'standard', datasetId?, includeTalib? }` → 202 + job. */
export const POST = route('annotator', async (request) => {
  const body = await readJson(request, trainingStartSchema, 64 * 1024);
  return json({ job: startJob(getDb(), body) }, 202);
});
