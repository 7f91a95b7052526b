import { getDb } from '@/server/db/database';
import { readJson, readParams, route, reply } from '@/server/http/handler';
import { changeUser } from '@/server/auth/accounts';
import { userIdParams, userPatchSchema, userWithPasswordResponse } from '@/features/auth/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Changes a user (admins only): `{ role?, disabled?, resetPassword?: true }`. A new role, disabling
 * or a reset ends the user's sessions; a disabled user's tokens are refused. A reset answers
 * `oneTimePassword` (shown this once). 409 LAST_ADMIN for the last enabled admin.
 */
export const PATCH = route<'id'>('admin', async (request, context) => {
  const { id } = await readParams(context, userIdParams);
  const patch = await readJson(request, userPatchSchema, 4096);
  return reply(userWithPasswordResponse, await changeUser(getDb(), id, patch));
});
