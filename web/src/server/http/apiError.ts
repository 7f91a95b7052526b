/** An error the API reports as `{ error: { code, message, details? } }` with an HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers (e.g. WWW-Authenticate on a 401, Retry-After on a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new ApiError(400, code, message, details);
export const notFound = (what: string, id: unknown) =>
  new ApiError(404, 'NOT_FOUND', `${what} ${String(id)} does not exist.`, { resource: what.toLowerCase(), id });
export const conflict = (code: string, message: string, details?: unknown) => new ApiError(409, code, message, details);
export const tooLarge = (message: string) => new ApiError(413, 'PAYLOAD_TOO_LARGE', message);
