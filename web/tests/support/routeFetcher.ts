import * as annotationsRoute from '@/app/api/annotations/route';
import * as annotationRoute from '@/app/api/annotations/[id]/route';
import * as bulkRoute from '@/app/api/annotations/bulk/route';
import type { Fetcher } from '@/shared/apiClient';
import { testToken } from './routeHarness';

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

/**
 * A `fetch` for client code under test that dispatches /api/annotations* to the real route
 * handlers, signed in as `as` (an annotator, created on first use).
 */
export function annotationRouteFetcher(options: { failNext?: () => boolean; as?: string } = {}): Fetcher {
  return async (input, init = {}) => {
    if (options.failNext?.()) throw new TypeError('fetch failed');
    const url = new URL(input, 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    let handler: Handler | undefined;
    let params: Record<string, string> = {};
    if (url.pathname === '/api/annotations') handler = (annotationsRoute as unknown as Record<string, Handler>)[method];
    else if (url.pathname === '/api/annotations/bulk')
      handler = (bulkRoute as unknown as Record<string, Handler>)[method];
    else {
      const m = /^\/api\/annotations\/([^/]+)$/.exec(url.pathname);
      if (m) {
        handler = (annotationRoute as unknown as Record<string, Handler>)[method];
        params = { id: m[1] };
      }
    }
    if (!handler)
      return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route' } }), { status: 404 });
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await testToken(options.as ?? 'tester')}`);
    return handler(new Request(url, { method, headers, body: init.body }), {
      params: Promise.resolve(params),
    });
  };
}
