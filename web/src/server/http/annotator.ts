import 'server-only';
import type { Principal } from '@/server/auth/roles';

/**
 * The annotator a write records: the signed-in user (or the API token's user). Only in the
 * single-user mode (no sign-in) does the request name it: the body's `annotator`, else the
 * X-Annotator header.
 */
export function annotatorOf(principal: Principal, request: Request, fromBody?: string): string | undefined {
  if (principal.via !== 'local') return principal.username;
  const value = fromBody ?? request.headers.get('x-annotator') ?? undefined;
  const trimmed = value?.trim().slice(0, 80);
  return trimmed ? trimmed : undefined;
}

/** The write context of a span change: who makes it, and whether that is the signed-in caller. */
export function writerOf(
  principal: Principal,
  request: Request,
  fromBody?: string,
): { annotator?: string; callerIsAnnotator: boolean } {
  return { annotator: annotatorOf(principal, request, fromBody), callerIsAnnotator: principal.via !== 'local' };
}
