import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import { addUser } from '@/server/auth/accounts';
import { listUsers } from '@/server/auth/userRepository';
import { userCreateSchema, userListResponse, userWithPasswordResponse } from '@/features/auth/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Every user (admins only). */
export const GET = route('admin', async () => reply(userListResponse, { users: listUsers(getDb()) }));

/** Adds a user `{ username, role }` → 201 `{ user, oneTimePassword }`: the password is shown this once. */
export const POST = route('admin', async (request) => {
  const { username, role } = await readJson(request, userCreateSchema, 4096);
  return reply(userWithPasswordResponse, await addUser(getDb(), username, role), 201);
});
