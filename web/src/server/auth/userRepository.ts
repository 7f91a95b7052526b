import 'server-only';
import type { Db } from '@/server/db/database';
import { ApiError, conflict, notFound } from '@/server/http/apiError';
import type { Role } from './roles';
import { checkPasswordPolicy, hashPassword } from './passwords';

/** A user as the API shows it (never the password hash). */
export interface User {
  id: number;
  username: string;
  role: Role;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

interface UserRow {
  id: number;
  username: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  disabled: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

function toUser(r: UserRow): User {
  return {
    id: r.id,
    username: r.username,
    role: r.role,
    mustChangePassword: r.must_change_password === 1,
    disabled: r.disabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at,
  };
}

export function countUsers(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
}

export function listUsers(db: Db): User[] {
  return (db.prepare('SELECT * FROM users ORDER BY username COLLATE NOCASE').all() as UserRow[]).map(toUser);
}

export function getUser(db: Db, id: number): User {
  const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  if (!row) throw notFound('User', id);
  return toUser(row);
}

/** The user and their password hash, for signing in (case-insensitive name). */
export function findUserForLogin(db: Db, username: string): (User & { passwordHash: string }) | undefined {
  const row = db.prepare('SELECT * FROM users WHERE username = ? COLLATE NOCASE').get(username) as UserRow | undefined;
  return row && { ...toUser(row), passwordHash: row.password_hash };
}

export interface NewUser {
  username: string;
  role: Role;
  password: string;
  mustChangePassword?: boolean;
}

export async function createUser(db: Db, input: NewUser): Promise<User> {
  if (!USERNAME_PATTERN.test(input.username))
    throw new ApiError(
      400,
      'INVALID_USERNAME',
      'A user name is 1–64 letters, digits or . _ @ + - and starts with a letter or digit.',
    );
  checkPasswordPolicy(input.password, input.username);
  const hash = await hashPassword(input.password);
  const now = Date.now();
  try {
    const { lastInsertRowid } = db
      .prepare(
        `INSERT INTO users (username, role, password_hash, must_change_password, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(input.username, input.role, hash, input.mustChangePassword ? 1 : 0, now, now);
    return getUser(db, Number(lastInsertRowid));
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw conflict('USERNAME_TAKEN', `A user named '${input.username}' already exists.`);
    throw error;
  }
}

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  /** A new password (an admin's reset: the user must change it at the next sign-in unless `mustChangePassword: false`). */
  password?: string;
  mustChangePassword?: boolean;
}

/**
 * Changes a user. Disabling a user, changing their role or resetting their password ends their
 * sessions; disabling also stops their tokens (they are refused while the user is disabled). The
 * last enabled admin can be neither demoted nor disabled (409 LAST_ADMIN).
 */
export async function updateUser(db: Db, id: number, patch: UserPatch): Promise<User> {
  const before = getUser(db, id);
  const hash = patch.password === undefined ? undefined : await hashPassword(checked(patch.password, before));
  return db.transaction(() => {
    const current = getUser(db, id);
    const losesAdmin =
      current.role === 'admin' &&
      !current.disabled &&
      ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
    if (losesAdmin && enabledAdminCount(db) <= 1)
      throw conflict('LAST_ADMIN', 'This is the last enabled admin: make another admin first.');
    const mustChange = patch.mustChangePassword ?? (hash !== undefined ? true : current.mustChangePassword);
    db.prepare(
      `UPDATE users SET role = ?, disabled = ?, password_hash = COALESCE(?, password_hash),
         must_change_password = ?, updated_at = ? WHERE id = ?`,
    ).run(
      patch.role ?? current.role,
      (patch.disabled ?? current.disabled) ? 1 : 0,
      hash ?? null,
      mustChange ? 1 : 0,
      Date.now(),
      id,
    );
    if (patch.role !== undefined || patch.disabled === true || hash !== undefined)
      db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
    return getUser(db, id);
  })();
}

function checked(password: string, user: User): string {
  checkPasswordPolicy(password, user.username);
  return password;
}

function enabledAdminCount(db: Db): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as { n: number }).n;
}

/** Sets a user's own new password (clears the one-time flag); their other sessions end. */
export async function setOwnPassword(db: Db, id: number, password: string, keepSessionHash?: string): Promise<User> {
  const user = getUser(db, id);
  checkPasswordPolicy(password, user.username);
  const hash = await hashPassword(password);
  db.transaction(() => {
    db.prepare('UPDATE users SET password_hash = ?, must_change_password = 0, updated_at = ? WHERE id = ?').run(
      hash,
      Date.now(),
      id,
    );
    db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash IS NOT ?').run(id, keepSessionHash ?? null);
  })();
  return getUser(db, id);
}

export function recordLogin(db: Db, id: number): void {
  db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(Date.now(), id);
}
