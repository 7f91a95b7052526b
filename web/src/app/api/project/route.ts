import { getDb } from '@/server/db/database';
import { readJson, readQuery, route, reply } from '@/server/http/handler';
import {
  resolveProject,
  updateProject,
  projectIdQuery,
  projectPatchSchema,
  projectResponse,
} from '@/features/projects/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The project (default one unless ?projectId=) with its settings. */
export const GET = route('viewer', async (request) => {
  const { projectId } = readQuery(request, projectIdQuery);
  return reply(projectResponse, { project: resolveProject(getDb(), projectId) });
});

/** Renames the project or changes its overlap policy ('allow' | 'split'). */
export const PATCH = route('admin', async (request) => {
  const { projectId } = readQuery(request, projectIdQuery);
  const patch = await readJson(request, projectPatchSchema);
  const db = getDb();
  return reply(projectResponse, { project: updateProject(db, resolveProject(db, projectId).id, patch) });
});
