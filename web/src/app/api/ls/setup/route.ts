import { json, readJson, route } from '@/server/http/handler';
import { LS_SETUP_MAX_BYTES, lsSetupSchema } from '@/features/labelstudio/schemas';
import { setup } from '@/features/labelstudio/server/mlBackend';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Label Studio ML backend setup: `{ project, schema (label config XML), hostname, access_token,
 * model_version }` → `{ model_version }` (the champion's, or 'untrained'). 400 when the config has
 * no <TimeSeriesLabels> control on a <TimeSeries>. See docs/label-studio.md.
 */
export const POST = route(async (request) => json(await setup(await readJson(request, lsSetupSchema, LS_SETUP_MAX_BYTES))));
