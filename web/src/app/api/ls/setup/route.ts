import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import {
  LS_SETUP_MAX_BYTES,
  lsSetupSchema,
  setup,
  labelStudioAccess,
  lsSetupResponse,
} from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Label Studio ML backend setup: `{ project, schema (label config XML), hostname, access_token,
 * extra_params }` → `{ model_version }` (the champion's, or 'untrained'). 400 when the config is
 * one this backend cannot serve or extra_params is invalid. See docs/label-studio.md.
 */
export const POST = route(labelStudioAccess('annotator'), async (request) =>
  reply(lsSetupResponse, await setup(await readJson(request, lsSetupSchema, LS_SETUP_MAX_BYTES), getDb)),
);
