import document from '../../../../docs/openapi.json';
import { route, replyMedia } from '@/server/http/handler';
import { openApiDocumentReply } from '@/server/openapi/documentReply';

export const runtime = 'nodejs';

/**
 * The OpenAPI 3.1 document of every API route: web/docs/openapi.json, generated from the routes'
 * zod schemas by server/openapi/generate.ts (tests/api/openapi.test.ts fails when it is stale;
 * `npm -w web run contracts` rewrites it). Public: it holds no data.
 */
export const GET = route('public', () =>
  replyMedia(openApiDocumentReply, JSON.stringify(document), {
    'Content-Type': 'application/json',
    'Cache-Control': 'public, max-age=300',
  }),
);
