import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import {
  trainingStartSchema,
  listJobs,
  startJob,
  trainingJobListResponse,
  trainingJobResponse,
} from '@/features/training/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Training jobs, newest first: running ones with live progress, and finished ones kept across server restarts. */
export const GET = route('viewer', async () => reply(trainingJobListResponse, { jobs: listJobs(getDb()) }));

/** Starts training on the current spans: `{ preset: 'fast' | 'standard', datasetId?, includeTalib? }` → 202 + job. */
export const POST = route('annotator', async (request) => {
  const body = await readJson(request, trainingStartSchema, 64 * 1024);
  return reply(trainingJobResponse, { job: startJob(getDb(), body) }, 202);
});
