import { route, reply } from '@/server/http/handler';
import { versions, labelStudioAccess, lsVersionsResponse } from '@/features/labelstudio/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Label Studio ML backend versions: `{ versions: [newest first], model_version: <champion> | null }`. */
export const GET = route(labelStudioAccess('viewer'), async () => reply(lsVersionsResponse, await versions()));
