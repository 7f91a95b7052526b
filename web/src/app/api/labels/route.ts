import { getDb } from '@/server/db/database';
import { readJson, readQuery, route, reply } from '@/server/http/handler';
import { resolveProject, projectIdQuery } from '@/features/projects/server';
import { createLabel, listLabels, labelCreateSchema, labelListResponse, labelResponse } from '@/features/labels/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = route('viewer', async (request) => {
  const { projectId } = readQuery(request, projectIdQuery);
  const db = getDb();
  return reply(labelListResponse, { labels: listLabels(db, resolveProject(db, projectId).id) });
});

export const POST = route('annotator', async (request) => {
  const { projectId } = readQuery(request, projectIdQuery);
  const input = await readJson(request, labelCreateSchema);
  const db = getDb();
  return reply(labelResponse, { label: createLabel(db, resolveProject(db, projectId).id, input) }, 201);
});
