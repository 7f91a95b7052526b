import { ApiError } from '@/server/http/apiError';
import { type AuthConfig, normalizeHost } from './config';

// Checks on the request itself, before any credential is looked at. Pure (no database): the
// proxy (pages) and the route guard (API) share them.

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isMutating(method: string): boolean {
  return MUTATING.has(method.toUpperCase());
}

/** The Host the request was sent to (`host:port`); the URL's when there is no Host header (tests). */
export function requestHost(request: Request): string {
  return request.headers.get('host') ?? new URL(request.url).host;
}

/** 421 HOST_NOT_ALLOWED unless the Host is an allowed name: a DNS-rebinding page has its own. */
export function checkHost(request: Request, config: AuthConfig): void {
  const host = normalizeHost(requestHost(request));
  if (!config.allowedHosts.has(host))
    throw new ApiError(
      421,
      'HOST_NOT_ALLOWED',
      `This server does not answer to the host name '${host.slice(0, 100)}'. Add it to CANDLE_ALLOWED_HOSTS or CANDLE_PUBLIC_URL (docs/security.md).`,
    );
}

/**
 * 403 CROSS_SITE_REQUEST for a request another site's page made: any write whose
 * `Sec-Fetch-Site` is not same-origin or whose `Origin` is not this server (another port on the
 * same host is another origin), and any cross-site read that is not a top-level navigation.
 */
export function checkSameOrigin(request: Request, config: AuthConfig): void {
  const site = request.headers.get('sec-fetch-site');
  const origin = request.headers.get('origin');
  if (!isMutating(request.method)) {
    if (site === 'cross-site' && request.headers.get('sec-fetch-mode') !== 'navigate') throw crossSite();
    return;
  }
  if (site !== null && site !== 'same-origin' && site !== 'none') throw crossSite();
  if (origin === null) return; // not sent by a browser page (scripts, Label Studio)
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw crossSite();
  }
  if (config.publicOrigin !== undefined && url.origin === config.publicOrigin) return;
  const sameHost = url.host.toLowerCase() === requestHost(request).toLowerCase();
  if (!sameHost || !config.allowedHosts.has(normalizeHost(url.host))) throw crossSite();
}

function crossSite(): ApiError {
  return new ApiError(403, 'CROSS_SITE_REQUEST', 'Requests from pages of other sites are refused.');
}

export const JSON_ONLY: readonly string[] = ['application/json'];

/**
 * 415 UNSUPPORTED_MEDIA_TYPE for a write whose body is not one of `accepts` (JSON unless the
 * route documents an upload type). The types a cross-site HTML form or a `no-cors` fetch can send
 * (text/plain, form encodings, none at all) are never accepted with a body.
 */
export function checkBodyType(request: Request, accepts: readonly string[] = JSON_ONLY): void {
  if (!isMutating(request.method)) return;
  const header = request.headers.get('content-type');
  const type = header?.split(';')[0].trim().toLowerCase() ?? '';
  if (header === null) {
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > 0 || request.headers.has('transfer-encoding'))
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the body with a Content-Type: ${accepts.join(', ')}.`);
    return;
  }
  if (!accepts.includes(type))
    throw new ApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type '${type.slice(0, 100)}' is not accepted here; send ${accepts.join(', ')}.`,
      { accepts },
    );
}

/** Body types of a CSV upload (datasets, their preview): none a cross-site form or `no-cors` fetch can send. */
export const CSV_UPLOAD_TYPES: readonly string[] = [
  'text/csv',
  'application/csv',
  'text/tab-separated-values',
  'application/octet-stream',
];

/** Body types of a span file import: our JSON or CSV, or a Label Studio JSON export. */
export const SPAN_FILE_TYPES: readonly string[] = ['application/json', ...CSV_UPLOAD_TYPES];
