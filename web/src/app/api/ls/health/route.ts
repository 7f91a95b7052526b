import { json, route } from '@/server/http/handler';
import { health } from '@/features/labelstudio/server/mlBackend';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Label Studio ML backend health check: `{ status: 'UP', model_class, model_version }`. See docs/label-studio.md. */
export const GET = route(async () => json(await health()));
