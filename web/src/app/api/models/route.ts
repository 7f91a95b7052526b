import { route, reply } from '@/server/http/handler';
import { listModelVersions, modelListResponse } from '@/features/models/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Every registered model version, oldest first, with aliases and summary metrics. */
export const GET = route('viewer', async () => reply(modelListResponse, { models: await listModelVersions() }));
