import { getDb } from '@/server/db/database';
import { readJson, readParams, readQuery, route, reply } from '@/server/http/handler';
import { datasetIdParams } from '@/features/datasets/server';
import {
  reviewedRegionCreateSchema,
  reviewedRegionsQuery,
  clearReviewed,
  listReviewedRegions,
  markReviewed,
  reviewedRegionClearResponse,
  reviewedRegionListResponse,
  reviewedRegionResponse,
} from '@/features/predictions/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The uncertain regions already reviewed in this dataset for `?modelVersion=` (active learning's "Reviewed N of M"). */
export const GET = route<'id'>('viewer', async (request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  const { modelVersion } = readQuery(request, reviewedRegionsQuery);
  return reply(reviewedRegionListResponse, {
    datasetId: id,
    modelVersion,
    reviewed: listReviewedRegions(getDb(), id, modelVersion),
  });
});

/** Records one reviewed region `{ modelVersion, candleIndex, startTime, endTime }`: 201 when new, 200 when it was already recorded. */
export const POST = route<'id'>('annotator', async (request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  const input = await readJson(request, reviewedRegionCreateSchema, 4096);
  const { region, created } = markReviewed(getDb(), id, input);
  return reply(reviewedRegionResponse, { region }, created ? 201 : 200);
});

/** Forgets the regions reviewed for `?modelVersion=` (the count starts again at 0). */
export const DELETE = route<'id'>('annotator', async (request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  const { modelVersion } = readQuery(request, reviewedRegionsQuery);
  return reply(reviewedRegionClearResponse, {
    datasetId: id,
    modelVersion,
    deleted: clearReviewed(getDb(), id, modelVersion),
  });
});
