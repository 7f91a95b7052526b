import { getDb } from '@/server/db/database';
import { readParams, route, reply } from '@/server/http/handler';
import { revokeToken } from '@/server/auth/tokens';
import { tokenIdParams, tokenResponse } from '@/features/auth/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Revokes an API token (admins only): it stops working at once and stays listed as revoked. */
export const DELETE = route<'id'>('admin', async (_request, context) => {
  const { id } = await readParams(context, tokenIdParams);
  return reply(tokenResponse, { token: revokeToken(getDb(), id) });
});
