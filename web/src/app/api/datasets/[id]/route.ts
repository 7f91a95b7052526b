import { getDb } from '@/server/db/database';
import { readJson, readParams, route, reply } from '@/server/http/handler';
import {
  deleteDataset,
  getDataset,
  updateDataset,
  datasetIdParams,
  datasetPatchSchema,
  datasetDeleteResponse,
  datasetResponse,
} from '@/features/datasets/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = route<'id'>('viewer', async (_request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  return reply(datasetResponse, { dataset: getDataset(getDb(), id) });
});

/** Rename, or set symbol / timeframe. */
export const PATCH = route<'id'>('annotator', async (request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  const patch = await readJson(request, datasetPatchSchema);
  return reply(datasetResponse, { dataset: updateDataset(getDb(), id, patch) });
});

/** Deletes the dataset with its candles and spans. */
export const DELETE = route<'id'>('admin', async (_request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  deleteDataset(getDb(), id);
  return reply(datasetDeleteResponse, { deleted: id });
});
