import document from '../../../../docs/openapi.json';
import { route } from '@/server/http/handler';

export const runtime = 'nodejs';

/**
 * The OpenAPI 3.1 document of every API route: web/docs/openapi.json, generated from the routes'
 * zod schemas by server/openapi/generate.ts (tests/api/openapi.test.ts fails when it is stale;
 * `npm -w web run contracts` rewrites it). Public: it holds no data.
 */
export const GET = route('public', () =>
  Response.json(document, { headers: { 'Cache-Control': 'public, max-age=300' } }),
);
