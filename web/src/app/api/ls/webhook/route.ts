import { getDb } from '@/server/db/database';
import { json, readJson, route } from '@/server/http/handler';
import { LS_WEBHOOK_MAX_BYTES, lsWebhookSchema } from '@/features/labelstudio/schemas';
import { webhook } from '@/features/labelstudio/server/mlBackend';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Label Studio webhooks: ANNOTATION_CREATED / ANNOTATION_UPDATED replace the annotation's spans
 * with its regions (human spans), ANNOTATIONS_DELETED / TASKS_DELETED delete them, START_TRAINING
 * starts a training job; every other action is answered 200 `ignored`. See docs/label-studio.md.
 */
export const POST = route(async (request) => json(webhook(await readJson(request, lsWebhookSchema, LS_WEBHOOK_MAX_BYTES), getDb)));
