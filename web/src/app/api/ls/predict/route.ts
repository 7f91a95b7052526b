import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import {
  LS_PREDICT_MAX_BYTES,
  lsPredictSchema,
  predict,
  labelStudioAccess,
  lsPredictResponse,
} from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Label Studio ML backend predictions: `{ tasks, label_config?, project?, params? }` →
 * `{ results: [{ result: [timeserieslabels regions], score, model_version }] }`, one per task.
 * See docs/label-studio.md.
 */
export const POST = route(labelStudioAccess('viewer'), async (request) =>
  reply(lsPredictResponse, await predict(await readJson(request, lsPredictSchema, LS_PREDICT_MAX_BYTES), getDb)),
);
