import { getDb } from '@/server/db/database';
import { readJson, readParams, readQuery, route, reply } from '@/server/http/handler';
import {
  deleteLabel,
  getLabel,
  updateLabel,
  labelDeleteQuery,
  labelIdParams,
  labelPatchSchema,
  labelDeleteResponse,
  labelResponse,
} from '@/features/labels/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = route<'id'>('viewer', async (_request, context) => {
  const { id } = await readParams(context, labelIdParams);
  return reply(labelResponse, { label: getLabel(getDb(), id) });
});

export const PATCH = route<'id'>('annotator', async (request, context) => {
  const { id } = await readParams(context, labelIdParams);
  const patch = await readJson(request, labelPatchSchema);
  return reply(labelResponse, { label: updateLabel(getDb(), id, patch) });
});

/**
 * Deletes a label. If spans use it: ?spans=delete deletes them, ?spans=reassign&reassignTo=ID
 * moves them to another label; without either, 409 LABEL_IN_USE (nothing changes).
 */
export const DELETE = route<'id'>('annotator', async (request, context) => {
  const { id } = await readParams(context, labelIdParams);
  const q = readQuery(request, labelDeleteQuery);
  const disposition =
    q.spans === 'reassign'
      ? { spans: 'reassign' as const, reassignTo: q.reassignTo! }
      : q.spans === 'delete'
        ? { spans: 'delete' as const }
        : undefined;
  return reply(labelDeleteResponse, { deleted: id, ...deleteLabel(getDb(), id, disposition) });
});
