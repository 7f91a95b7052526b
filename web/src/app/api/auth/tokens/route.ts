import { getDb } from '@/server/db/database';
import { badRequest } from '@/server/http/apiError';
import { readJson, readQuery, route, reply } from '@/server/http/handler';
import { createToken, listTokens } from '@/server/auth/tokens';
import { tokenCreateSchema, tokenListQuery, tokenCreatedResponse, tokenListResponse } from '@/features/auth/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** API tokens (admins only), `?userId=` for one user's; the tokens themselves are never listed. */
export const GET = route('admin', async (request) => {
  const { userId } = readQuery(request, tokenListQuery);
  return reply(tokenListResponse, { tokens: listTokens(getDb(), userId) });
});

/**
 * Creates an API token `{ name, userId?, expiresInDays? }` for a user (the caller by default) →
 * 201 `{ token, info }`. The token is shown this once; send it as `Authorization: Bearer <token>`
 * (or `Token <token>`, or as the password of HTTP Basic auth, as Label Studio does).
 */
export const POST = route('admin', async (request, _context, principal) => {
  const { userId, name, expiresInDays } = await readJson(request, tokenCreateSchema, 4096);
  const owner = userId ?? principal.userId;
  if (owner === null) throw badRequest('USER_REQUIRED', 'Name the user the token acts for (userId).');
  return reply(tokenCreatedResponse, createToken(getDb(), owner, name, expiresInDays), 201);
});
