import document from '../../../../docs/openapi.json';

export const runtime = 'nodejs';

/** The OpenAPI 3.1 document of the prediction and model API (web/docs/openapi.json). */
export function GET(): Response {
  return Response.json(document, { headers: { 'Cache-Control': 'public, max-age=300' } });
}
