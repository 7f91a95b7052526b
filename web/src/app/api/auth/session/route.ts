import { route, reply } from '@/server/http/handler';
import { sessionInfo } from '@/server/auth/pageSession';
import { sessionInfoSchema } from '@/features/auth/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Who is signed in: `{ authRequired, user }` (`user` null when nobody is). Public. */
export const GET = route('public', async (_request, _context, principal) =>
  reply(sessionInfoSchema, sessionInfo(principal)),
);
