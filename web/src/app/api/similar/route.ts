import { getDb } from '@/server/db/database';
import { readJson, readQuery, route, reply } from '@/server/http/handler';
import { getDataset } from '@/features/datasets/server';
import {
  similarRequestSchema,
  similarRunsQuery,
  findSimilarSpans,
  runsForDataset,
  similarResponseSchema,
  similarRunListResponse,
} from '@/features/similar/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** "Find similar": windows of every dataset shaped like the query span, ranked, with the labelling-function report. */
export const POST = route('annotator', async (request) => {
  const body = await readJson(request, similarRequestSchema, 64 * 1024);
  return reply(similarResponseSchema, await findSimilarSpans(getDb(), body, request.signal));
});

/** ?datasetId=: the latest searches (one per label) whose results reach the dataset, as labelling-function report rows. */
export const GET = route('viewer', async (request) => {
  const { datasetId } = readQuery(request, similarRunsQuery);
  const db = getDb();
  getDataset(db, datasetId);
  return reply(similarRunListResponse, { runs: runsForDataset(db, datasetId) });
});
