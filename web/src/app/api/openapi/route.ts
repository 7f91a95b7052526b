import document from '../../../../docs/openapi.json';

export const runtime = 'nodejs';

/** The OpenAPI 3.1 document of every API route (web/docs/openapi.json; tests/api/openapi.test.ts keeps it complete). */
export function GET(): Response {
  return Response.json(document, { headers: { 'Cache-Control': 'public, max-age=300' } });
}
