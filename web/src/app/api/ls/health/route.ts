import { route, reply } from '@/server/http/handler';
import { health, labelStudioAccess, lsHealthResponse } from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Label Studio ML backend health check: `{ status: 'UP' | 'DEGRADED', model_class, model_version,
 * fallback? }` (200), or `DOWN` (503) when no model version can be served. See docs/label-studio.md.
 */
export const GET = route(labelStudioAccess('viewer'), async () => {
  const report = await health();
  return reply(lsHealthResponse, report, report.status === 'DOWN' ? 503 : 200);
});
