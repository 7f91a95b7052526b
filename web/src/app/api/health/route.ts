import { route, reply } from '@/server/http/handler';
import { checkHealth, healthSchema } from '@/server/health';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Liveness for container health checks and load balancers: the database answers and the engine loaded. Public (no sign-in): it names no data. */
export const GET = route('public', () => reply(healthSchema, checkHealth()));
