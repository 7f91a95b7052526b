import 'server-only';
import { z, ZodError, type ZodType } from 'zod';
import { authorize, type GuardOptions } from '@/server/auth/guard';
import type { Principal, Role } from '@/server/auth/roles';
import { ApiError } from './apiError';
import { engineApiError } from './engineErrors';

export type RouteParams<P extends string = string> = { params: Promise<Record<P, string>> };
type Handler<P extends string> = (request: Request, context: RouteParams<P>) => Promise<Response> | Response;
type GuardedHandler<P extends string, W> = (
  request: Request,
  context: RouteParams<P>,
  principal: W,
) => Promise<Response> | Response;

/** What every error answers (declared once: the OpenAPI document's `Error` component). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({
        examples: [
          'VALIDATION_FAILED',
          'INVALID_JSON',
          'INVALID_PATH',
          'NOT_FOUND',
          'STALE_WRITE',
          'PAYLOAD_TOO_LARGE',
          'INVALID_CANDLES',
          'TOO_FEW_CANDLES',
          'MODEL_NOT_FOUND',
          'NO_MODEL',
          'CORRUPT_MODEL',
          'TRAINING_BUSY',
          'INTERNAL',
        ],
      }),
      message: z.string(),
      details: z
        .unknown()
        .optional()
        .describe(
          'Optional, code-specific: the zod issues for VALIDATION_FAILED, `{ id, currentVersion, current }` for STALE_WRITE, …',
        ),
    }),
  })
  .meta({ id: 'Error' });

export function errorResponse(
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): Response {
  const body: z.output<typeof errorBodySchema> =
    details === undefined ? { error: { code, message } } : { error: { code, message, details } };
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Maps any thrown value to a coded JSON error (engine codes through engineErrors.ts, the one map).
 * A 500 never carries a stack or internal message.
 */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError)
    return errorResponse(error.status, error.code, error.message, error.details, error.headers);
  if (error instanceof ZodError)
    return errorResponse(400, 'VALIDATION_FAILED', describeZodError(error), error.issues.slice(0, 20));
  const engineError = engineApiError(error);
  if (engineError) return errorResponse(engineError.status, engineError.code, engineError.message);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return errorResponse(409, 'CONSTRAINT_VIOLATION', 'The change conflicts with existing data.');
  }
  console.error('[api] unexpected error', error);
  return errorResponse(500, 'INTERNAL', 'Internal server error. The change was not applied; see the server log.');
}

/**
 * Wraps a route handler: the auth guard runs first (server/auth/guard.ts: Host allow-list,
 * cross-site and body-type checks, credentials, role), then the handler with who the request acts
 * as; everything thrown becomes a coded JSON error. `access` is the role the route needs (or
 * `public`), optionally with guard options: `{ access: 'annotator', accepts: UPLOAD_TYPES }`.
 */
export function route<P extends string = never>(
  access: Role | ({ access: Role } & GuardOptions),
  handler: GuardedHandler<P, Principal>,
): Handler<P>;
export function route<P extends string = never>(
  access: 'public' | ({ access: 'public' } & GuardOptions),
  handler: GuardedHandler<P, Principal | null>,
): Handler<P>;
export function route<P extends string = never>(
  access: Role | 'public' | ({ access: Role | 'public' } & GuardOptions),
  handler: GuardedHandler<P, Principal>,
): Handler<P> {
  const { access: needed, ...options } = typeof access === 'string' ? { access } : access;
  return async (request, context) => {
    try {
      const principal = await authorize(request, needed, options);
      return await handler(request, context, principal as Principal);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** The statuses a route may declare it answers with a body of its own (errors answer `errorBodySchema`). */
export type ReplyStatus = 200 | 201 | 202 | 503;

/**
 * A JSON response with a declared body: `reply(schema, body, status)`. The compiler checks `body`
 * against `schema`; the OpenAPI generator (server/openapi/generate.ts) finds the call in the route's
 * source, as it finds `readJson`, and documents `schema` under `status`; the route tests parse every
 * such response with it (tests/support/routeHarness.ts). So `schema` is imported by name and
 * `status` is a literal (or literals in a conditional). The body is not parsed here: it may be large,
 * and the tests do it.
 */
export function reply<S extends ZodType>(
  _schema: S,
  body: z.output<S>,
  status: ReplyStatus = 200,
  headers: Record<string, string> = {},
): Response {
  return Response.json(body, { status, headers: { ...headers, 'Cache-Control': 'no-store' } });
}

/**
 * A response that is not one JSON schema (a file, an SVG, the OpenAPI document), declared by
 * content type; `schema` null: opaque text or bytes. Found by the generator like `reply`.
 */
export interface MediaReply {
  status: ReplyStatus;
  content: Record<string, ZodType | null>;
}

/** Sends `body` as one of the content types `declared` names (anything else is a programming error). */
export function replyMedia(
  declared: MediaReply,
  body: BodyInit,
  headers: Record<string, string> & { 'Content-Type': string },
): Response {
  const type = headers['Content-Type'].split(';')[0].trim();
  if (!(type in declared.content)) throw new Error(`${type} is not a declared content type of this response`);
  return new Response(body, { status: declared.status, headers });
}

/** Parses a JSON request body against a schema (400 on malformed JSON or invalid fields). */
export async function readJson<T>(request: Request, schema: ZodType<T>, maxBytes = 10 * 1024 * 1024): Promise<T> {
  const bytes = await readBody(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  }
  return schema.parse(value);
}

/** Query parameters validated against a schema (absent parameters are `undefined`). */
export function readQuery<T>(request: Request, schema: ZodType<T>): T {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const [k, v] of params) raw[k] = v;
  return schema.parse(raw);
}

export async function readParams<T>(context: RouteParams<string>, schema: ZodType<T>): Promise<T> {
  const params = await context.params;
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new ApiError(400, 'INVALID_PATH', describeZodError(parsed.error));
  return parsed.data;
}

/**
 * Reads a request body into memory, refusing more than `maxBytes`: first by the declared
 * Content-Length (before reading anything), then by counting while streaming.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
  // Each chunk is copied into one buffer (of the declared length, when there is one) as it arrives
  // and dropped, instead of keeping every chunk alive (as much again as the body) for one final
  // copy: reading a 573 MB upload went from 1.7–1.8 s to 1.1–1.4 s (`bench/scale`).
  let body = Buffer.alloc(0);
  let total = 0;
  await readBodyChunks(request, maxBytes, (chunk, declared) => {
    if (total + chunk.byteLength > body.length) {
      // The declared length at the first chunk; past it (none, or a wrong one), doubling. Never
      // past the limit (readBodyChunks refuses a body over it before handing on the chunk).
      const wanted = total === 0 ? (declared ?? 0) : 2 * body.length;
      const grown = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(wanted, 64 * 1024, total + chunk.byteLength)));
      body.copy(grown, 0, 0, total);
      body = grown;
    }
    body.set(chunk, total);
    total += chunk.byteLength;
  });
  return total === body.length ? body : body.subarray(0, total);
}

/** The declared Content-Length of a request, or null when it has none (chunked) or not a length. */
export function declaredLength(request: Request): number | null {
  const raw = request.headers.get('content-length');
  if (raw === null) return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * Reads a request body chunk by chunk into `take` (which must copy what it keeps: the chunk is
 * not held), enforcing `maxBytes`: 413 when the declared Content-Length is over it, before
 * anything is read, or as soon as more bytes arrive. `take` also gets the declared length (null:
 * none). Returns the body's length.
 */
export async function readBodyChunks(
  request: Request,
  maxBytes: number,
  take: (chunk: Uint8Array, declared: number | null) => void,
): Promise<number> {
  const declared = declaredLength(request);
  const limitMb = (maxBytes / (1024 * 1024)).toFixed(0);
  if (declared !== null && declared > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    throw new ApiError(
      413,
      'PAYLOAD_TOO_LARGE',
      `The upload is ${(declared / (1024 * 1024)).toFixed(1)} MB; the limit is ${limitMb} MB.`,
    );
  }
  if (!request.body) return 0;
  const reader = request.body.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The upload is larger than the ${limitMb} MB limit.`);
    }
    take(value, declared);
    total += value.byteLength;
  }
  return total;
}
