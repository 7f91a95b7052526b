import { getDb } from '@/server/db/database';
import { ApiError } from '@/server/http/apiError';
import { readBody, readJson, route, reply } from '@/server/http/handler';
import {
  BinaryColumnsError,
  isBinaryColumns,
  MAX_CANDLES,
  parseBinaryColumns,
  PREDICT_BINARY_MAX_BYTES,
  PREDICT_BODY_TYPES,
  PREDICT_MAX_BYTES,
  predictBodySchema,
  predictOne,
  predictQueryOptions,
  predictResponseSchema,
} from '@/features/predictions/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Spans the model finds in candles. Three request forms (docs/openapi.json):
 * - `application/json` `{ candles: {time, open, high, low, close, volume}, options? }` (JSON columns);
 * - `application/json` `{ datasetId, from?, to?, options? }` (a stored dataset, time range in epoch ms);
 * - `application/octet-stream`: the six columns as little-endian Float64 (lib/binaryColumns.ts),
 *   options in the query string — no JSON parsing or per-value validation on the way in.
 * The registry's `champion` unless `options.model` names a version or alias.
 */
export const POST = route({ access: 'viewer', accepts: PREDICT_BODY_TYPES }, async (request) => {
  if (isBinaryColumns(request.headers.get('content-type'))) {
    const options = predictQueryOptions(new URL(request.url).searchParams);
    const bytes = await readBody(request, PREDICT_BINARY_MAX_BYTES);
    let candles;
    try {
      candles = parseBinaryColumns(bytes, MAX_CANDLES);
    } catch (error) {
      if (error instanceof BinaryColumnsError) throw new ApiError(400, 'INVALID_BODY', error.message);
      throw error;
    }
    return reply(predictResponseSchema, await predictOne({ candles, options }, getDb));
  }
  const body = await readJson(request, predictBodySchema, PREDICT_MAX_BYTES);
  return reply(predictResponseSchema, await predictOne(body, getDb));
});
