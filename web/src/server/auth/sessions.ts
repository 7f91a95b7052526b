import 'server-only';
import type { Db } from '@/server/db/database';
import { preparedOnce } from '@/server/db/preparedOnce';
import type { AuthConfig } from './config';
import type { Role } from './roles';
import { newSecret, secretHash } from './secrets';

/** The session cookie: `__Host-` prefixed (Secure, host-only, Path=/) when served over https. */
export function sessionCookieName(config: Pick<AuthConfig, 'secureCookies'>): string {
  return config.secureCookies ? '__Host-candle_session' : 'candle_session';
}

/** Set-Cookie for a new session: httpOnly (no script reads it), SameSite=Lax, Secure over https. */
export function sessionCookie(config: AuthConfig, secret: string): string {
  const attributes = [
    `${sessionCookieName(config)}=${secret}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.floor(config.sessionTtlMs / 1000)}`,
  ];
  if (config.secureCookies) attributes.push('Secure');
  return attributes.join('; ');
}

/** Set-Cookie that removes the session cookie. */
export function clearedSessionCookie(config: AuthConfig): string {
  return `${sessionCookieName(config)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${config.secureCookies ? '; Secure' : ''}`;
}

/** Creates a session for a user; returns the cookie's secret (only its hash is stored). */
export function createSession(db: Db, userId: number, ttlMs: number): { secret: string; idHash: string } {
  const secret = newSecret();
  const idHash = secretHash(secret);
  const now = Date.now();
  db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
  db.prepare('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
    idHash,
    userId,
    now,
    now + ttlMs,
  );
  return { secret, idHash };
}

export interface SessionUser {
  idHash: string;
  userId: number;
  username: string;
  role: Role;
  mustChangePassword: boolean;
}

const FIND_SESSION = `SELECT s.user_id, u.username, u.role, u.must_change_password
  FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0`;

/** The live session a cookie names, with its enabled user; undefined when unknown, expired or disabled. */
export function findSession(db: Db, secret: string): SessionUser | undefined {
  const idHash = secretHash(secret);
  const row = preparedOnce(db, FIND_SESSION).get(idHash, Date.now()) as
    { user_id: number; username: string; role: Role; must_change_password: number } | undefined;
  return (
    row && {
      idHash,
      userId: row.user_id,
      username: row.username,
      role: row.role,
      mustChangePassword: row.must_change_password === 1,
    }
  );
}

export function deleteSession(db: Db, idHash: string): void {
  db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
}

/** The value of cookie `name` in a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
