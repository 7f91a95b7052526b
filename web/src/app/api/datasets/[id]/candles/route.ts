import { getDb } from '@/server/db/database';
import { readParams, readQuery, route, reply } from '@/server/http/handler';
import {
  queryCandles,
  requireDataset,
  candleQuerySchema,
  datasetIdParams,
  candleQueryResultSchema,
} from '@/features/datasets/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Candles with time in [from, to] (epoch ms, both optional), as columns. More than maxPoints
 * candles are aggregated (OHLC) into buckets: bucketSize says how many candles each point holds.
 */
export const GET = route<'id'>('viewer', async (request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  const query = readQuery(request, candleQuerySchema);
  const db = getDb();
  requireDataset(db, id);
  return reply(candleQueryResultSchema, queryCandles(db, id, query));
});
