import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import {
  LS_WEBHOOK_MAX_BYTES,
  lsWebhookSchema,
  webhook,
  checkWebhookSecret,
  labelStudioAccess,
  lsWebhookResponseSchema,
} from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Label Studio webhooks: ANNOTATION_CREATED / ANNOTATIONS_CREATED / ANNOTATION_UPDATED replace
 * the annotations' spans with their regions (human spans), ANNOTATIONS_DELETED / TASKS_DELETED /
 * PROJECT_DELETED delete them, START_TRAINING starts a training job; every other action is
 * answered 200 `ignored`. An event that cannot be applied is stored as a sync problem. With
 * CANDLE_LS_WEBHOOK_SECRET set, the X-Candle-Webhook-Secret header (or the secret as Basic
 * password) is a credential here, besides an annotator's API token (docs/security.md); in the
 * single-user mode it is required. See docs/label-studio.md.
 */
export const POST = route(labelStudioAccess('annotator'), async (request, _context, principal) => {
  // With sign-in on, the guard has checked the token or the secret; in the single-user mode the
  // configured secret is the webhook's only check.
  if (principal.via === 'local')
    try {
      checkWebhookSecret(request);
    } catch (error) {
      // Label Studio keeps no record of a refused webhook: say so here.
      console.warn(`[api/ls/webhook] refused: ${(error as Error).message}`);
      throw error;
    }
  return reply(
    lsWebhookResponseSchema,
    await webhook(await readJson(request, lsWebhookSchema, LS_WEBHOOK_MAX_BYTES), getDb),
  );
});
