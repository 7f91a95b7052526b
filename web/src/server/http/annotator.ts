import 'server-only';

/** The annotator named by a write: the body's `annotator`, else the X-Annotator header. */
export function annotatorOf(request: Request, fromBody?: string): string | undefined {
  const value = fromBody ?? request.headers.get('x-annotator') ?? undefined;
  const trimmed = value?.trim().slice(0, 80);
  return trimmed ? trimmed : undefined;
}
