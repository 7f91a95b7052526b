import { NextResponse, type NextRequest } from 'next/server';
import { authConfig, normalizeHost } from '@/server/auth/config';
import { requestHost } from '@/server/auth/requestPolicy';

/**
 * Pages (not /api, whose route guard does the same checks, nor static files): refuses Host names
 * that are not allowed (DNS rebinding) and sets a Content-Security-Policy with a fresh nonce, which
 * Next puts on its own scripts. Security headers that never change are in next.config.ts.
 */
export function proxy(request: NextRequest): NextResponse {
  const auth = authConfig();
  if (!auth.allowedHosts.has(normalizeHost(requestHost(request))))
    return new NextResponse('This server does not answer to this host name (docs/security.md).\n', {
      status: 421,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development', auth.secureCookies);
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', policy); // Next reads the nonce from here
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', policy);
  if (auth.secureCookies) response.headers.set('Strict-Transport-Security', 'max-age=31536000');
  return response;
}

/**
 * No inline script runs unless it carries this response's nonce ('strict-dynamic' lets those
 * scripts load the app's chunks); style attributes are allowed (React renders `style={…}`), style
 * elements only with the nonce; nothing may frame the app, and forms post only here.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean, https: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export const config = {
  matcher: [
    {
      source: '/((?!api/|_next/static/|_next/image|favicon.ico|icon.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
