import { getDb } from '@/server/db/database';
import { annotatorOf } from '@/server/http/annotator';
import { readJson, readParams, route, reply } from '@/server/http/handler';
import { datasetIdParams } from '@/features/datasets/server';
import {
  clearTalibLayer,
  latestRun,
  runAutoLabel,
  autoLabelRequestSchema,
  autoLabelClearResponse,
  autoLabelResponseSchema,
  latestAutoLabelRunResponse,
} from '@/features/autolabel/server';
import { ANONYMOUS } from '@/features/annotations/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The dataset's latest auto-label run (its report), or null. */
export const GET = route<'id'>('viewer', async (_request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  return reply(latestAutoLabelRunResponse, { run: latestRun(getDb(), id) });
});

/** Runs TA-Lib auto-labelling: replaces the dataset's TA-Lib layer, returns the report. */
export const POST = route<'id'>('annotator', async (request, context, principal) => {
  const { id } = await readParams(context, datasetIdParams);
  const body = await readJson(request, autoLabelRequestSchema);
  return reply(
    autoLabelResponseSchema,
    await runAutoLabel(getDb(), id, body, annotatorOf(principal, request, body.annotator) ?? ANONYMOUS),
    201,
  );
});

/** Clears the dataset's TA-Lib layer. */
export const DELETE = route<'id'>('annotator', async (_request, context) => {
  const { id } = await readParams(context, datasetIdParams);
  return reply(autoLabelClearResponse, { deletedSpans: clearTalibLayer(getDb(), id) });
});
