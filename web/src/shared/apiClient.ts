/** A coded API error as the server sends it: `{ error: { code, message, details? } }`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  /** True when the request never got an answer (server down, network gone). */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

/** Fetches JSON from the API; non-2xx answers throw ApiRequestError with the server's code and message. */
export async function apiRequest<T>(
  path: string,
  init: RequestInit = {},
  fetcher: Fetcher = (i, o) => fetch(i, o),
): Promise<T> {
  let response: Response;
  try {
    response = await fetcher(path, {
      ...init,
      headers: {
        ...(init.body && typeof init.body === 'string' ? { 'Content-Type': 'application/json' } : {}),
        ...(init.headers ?? {}),
      },
    });
  } catch (error) {
    throw new ApiRequestError(0, 'NETWORK_ERROR', `The server could not be reached (${(error as Error).message}).`);
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (signedOut(response.status, error?.code) && typeof window !== 'undefined' && !path.startsWith('/api/auth/')) {
      // The session ended (expired, signed out elsewhere, password changed): sign in again, then come back.
      // A full page load (not a router push: this module is not a component), dropping stale state.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    }
    throw new ApiRequestError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `The server answered ${response.status}.`,
      error?.details,
    );
  }
  return body as T;
}

function signedOut(status: number, code: string | undefined): boolean {
  return status === 401 || (status === 403 && code === 'PASSWORD_CHANGE_REQUIRED');
}

export const jsonBody = (value: unknown): RequestInit['body'] => JSON.stringify(value);
