import 'server-only';
import type { Db } from '@/server/db/database';
import { ApiError, conflict } from '@/server/http/apiError';
import type { AuthConfig } from './config';
import { checkLoginAllowed, clearLoginFailures, recordLoginFailure } from './loginThrottle';
import { generatePassword, verifyNothing, verifyPassword } from './passwords';
import type { Principal, Role } from './roles';
import { createSession, deleteSession } from './sessions';
import {
  createUser,
  findUserForLogin,
  getUser,
  recordLogin,
  setOwnPassword,
  updateUser,
  type User,
} from './userRepository';

/**
 * Signs a user in: a new session (its secret goes into the cookie). Wrong user name, wrong
 * password and disabled user all answer 401 INVALID_LOGIN, equally slowly.
 */
export async function signIn(
  db: Db,
  config: AuthConfig,
  username: string,
  password: string,
): Promise<{ user: User; secret: string }> {
  checkLoginAllowed(username);
  const found = findUserForLogin(db, username);
  const ok =
    found && !found.disabled ? await verifyPassword(found.passwordHash, password) : await verifyNothing(password);
  if (!ok || !found) {
    recordLoginFailure(username);
    throw new ApiError(401, 'INVALID_LOGIN', 'Wrong user name or password.');
  }
  clearLoginFailures(username);
  const { secret } = createSession(db, found.id, config.sessionTtlMs);
  recordLogin(db, found.id);
  return { user: getUser(db, found.id), secret };
}

export function signOut(db: Db, principal: Principal | null): void {
  if (principal?.sessionIdHash) deleteSession(db, principal.sessionIdHash);
}

/** A signed-in user replaces their password (the current one is asked again); their other sessions end. */
export async function changeOwnPassword(
  db: Db,
  principal: Principal,
  currentPassword: string,
  newPassword: string,
): Promise<User> {
  if (principal.userId === null)
    throw conflict(
      'NO_USER',
      'Sign-in is off (single-user mode), or this credential is no user: no password to change.',
    );
  const found = findUserForLogin(db, principal.username);
  if (!found || !(await verifyPassword(found.passwordHash, currentPassword)))
    throw new ApiError(400, 'WRONG_PASSWORD', 'The current password is wrong.');
  if (currentPassword === newPassword)
    throw new ApiError(400, 'WEAK_PASSWORD', 'The new password must differ from the current one.');
  return setOwnPassword(db, principal.userId, newPassword, principal.sessionIdHash);
}

/** An admin adds a user with a one-time password, shown once; the user must change it at sign-in. */
export async function addUser(db: Db, username: string, role: Role): Promise<{ user: User; oneTimePassword: string }> {
  const oneTimePassword = generatePassword();
  const user = await createUser(db, { username, role, password: oneTimePassword, mustChangePassword: true });
  return { user, oneTimePassword };
}

/** An admin changes a user's role or access, or issues a new one-time password (`resetPassword`). */
export async function changeUser(
  db: Db,
  id: number,
  patch: { role?: Role; disabled?: boolean; resetPassword?: true },
): Promise<{ user: User; oneTimePassword?: string }> {
  const oneTimePassword = patch.resetPassword ? generatePassword() : undefined;
  const user = await updateUser(db, id, {
    role: patch.role,
    disabled: patch.disabled,
    password: oneTimePassword,
    mustChangePassword: oneTimePassword ? true : undefined,
  });
  return oneTimePassword ? { user, oneTimePassword } : { user };
}
