import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getDb } from '@/server/db/database';
import type { SessionInfo } from '@/features/auth';
import { authConfig } from './config';
import { LOCAL, sessionPrincipal } from './guard';
import type { Principal } from './roles';
import { sessionCookieName } from './sessions';

/** Who views a page: the single-user principal, the session cookie's user, or null. */
export async function pagePrincipal(): Promise<Principal | null> {
  const config = authConfig();
  if (!config.required) return LOCAL;
  const secret = (await cookies()).get(sessionCookieName(config))?.value;
  return (secret && sessionPrincipal(getDb(), secret)) || null;
}

/**
 * For a page that needs a signed-in user (and `role`, when given): the session, or a redirect to
 * the sign-in page (which comes back to `path`), or to the password change a one-time password
 * calls for. A user without the role goes to the workspace.
 */
export async function requirePageSession(path: string, role?: Principal['role']): Promise<SessionInfo> {
  const principal = await pagePrincipal();
  if (!principal) redirect(`/login?next=${encodeURIComponent(path)}`);
  if (principal.mustChangePassword) redirect(`/login?next=${encodeURIComponent(path)}`);
  if (role === 'admin' && principal.role !== 'admin') redirect('/');
  return sessionInfo(principal);
}

export function sessionInfo(principal: Principal | null): SessionInfo {
  return {
    authRequired: authConfig().required,
    user: principal && {
      id: principal.userId,
      username: principal.username,
      role: principal.role,
      mustChangePassword: principal.mustChangePassword,
    },
  };
}
