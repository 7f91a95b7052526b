import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import { conflict } from '@/server/http/apiError';
import { authConfig } from '@/server/auth/config';
import { signIn } from '@/server/auth/accounts';
import { sessionCookie } from '@/server/auth/sessions';
import { loginSchema, userResponse } from '@/features/auth/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Signs in: `{ username, password }` → the session cookie (httpOnly, SameSite=Lax) and
 * `{ user }`. 401 INVALID_LOGIN for a wrong name or password, 429 TOO_MANY_ATTEMPTS after 10
 * failures in 15 minutes. `user.mustChangePassword`: choose a new password next (POST /api/auth/password).
 */
export const POST = route('public', async (request) => {
  const config = authConfig();
  if (!config.required) throw conflict('AUTH_DISABLED', 'Sign-in is off: this server runs in single-user mode.');
  const { username, password } = await readJson(request, loginSchema, 16 * 1024);
  const { user, secret } = await signIn(getDb(), config, username, password);
  const response = reply(userResponse, { user });
  response.headers.append('Set-Cookie', sessionCookie(config, secret));
  return response;
});
