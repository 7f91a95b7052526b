import { getDb } from '@/server/db/database';
import { annotatorOf } from '@/server/http/annotator';
import { SPAN_FILE_TYPES } from '@/server/auth/requestPolicy';
import { readBody, readQuery, route, reply } from '@/server/http/handler';
import {
  importSpans,
  importQuerySchema,
  spanImportReportSchema,
  SPAN_FILE_MAX_BYTES,
} from '@/features/interchange/server';
import { checkUploadBytes } from '@/features/datasets';
import { badRequest } from '@/server/http/apiError';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Imports spans: the body is the file (our JSON or CSV, or a Label Studio export).
 * ?format=auto|json|csv|labelstudio &datasetId= &timeUnit=auto|ms|s|index &createLabels=true|false
 */
export const POST = route({ access: 'annotator', accepts: SPAN_FILE_TYPES }, async (request, _context, principal) => {
  const query = readQuery(request, importQuerySchema);
  const bytes = await readBody(request, SPAN_FILE_MAX_BYTES);
  const problem = checkUploadBytes(bytes);
  if (problem) throw badRequest(problem.code, problem.message);
  return reply(
    spanImportReportSchema,
    importSpans(getDb(), bytes.toString('utf8'), {
      ...query,
      annotator: annotatorOf(principal, request, query.annotator),
    }),
    201,
  );
});
