import { getDb } from '@/server/db/database';
import { route, reply } from '@/server/http/handler';
import { authConfig } from '@/server/auth/config';
import { signOut } from '@/server/auth/accounts';
import { clearedSessionCookie } from '@/server/auth/sessions';
import { signedOutResponse } from '@/features/auth/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Signs out: ends the session and clears its cookie (harmless when not signed in). */
export const POST = route('public', async (_request, _context, principal) => {
  signOut(getDb(), principal);
  const response = reply(signedOutResponse, { signedOut: true });
  response.headers.append('Set-Cookie', clearedSessionCookie(authConfig()));
  return response;
});
