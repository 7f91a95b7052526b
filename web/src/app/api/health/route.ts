import { json, route } from '@/server/http/handler';
import { checkHealth } from '@/server/health';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Liveness for container health checks and load balancers: the database answers and the engine loaded. Public (no sign-in): it names no data. */
export const GET = route('public', () => json(checkHealth()));
