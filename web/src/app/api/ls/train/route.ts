import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import {
  LS_PREDICT_MAX_BYTES,
  lsTrainSchema,
  train,
  labelStudioAccess,
  lsTrainResponse,
} from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Label Studio's direct training call (*Start Training* when its webhook-training flag is off):
 * starts a training job → `{ status: 'started', job: '<id>' }` or `{ status: 'not_started', code, reason }`.
 */
export const POST = route(labelStudioAccess('annotator'), async (request) =>
  reply(lsTrainResponse, train(await readJson(request, lsTrainSchema, LS_PREDICT_MAX_BYTES), getDb)),
);
