import { getDb } from '@/server/db/database';
import { json, readJson, route } from '@/server/http/handler';
import { PREDICT_MAX_BYTES, predictBodySchema } from '@/features/predict/schemas';
import { predictOne } from '@/features/predict/server/predictService';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Spans the model finds in candles: `{ candles: {time, open, high, low, close, volume}, options? }`
 * (JSON columns) or `{ datasetId, from?, to?, options? }` (a stored dataset, time range in epoch ms).
 * The registry's `champion` unless `options.model` names a version or alias. See docs/openapi.json.
 */
export const POST = route(async (request) => {
  const body = await readJson(request, predictBodySchema, PREDICT_MAX_BYTES);
  return json(await predictOne(body, getDb));
});
