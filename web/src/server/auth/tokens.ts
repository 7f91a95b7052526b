import 'server-only';
import type { Db } from '@/server/db/database';
import { preparedOnce } from '@/server/db/preparedOnce';
import { ApiError, notFound } from '@/server/http/apiError';
import type { Role } from './roles';
import { newSecret, secretHash } from './secrets';

/** Every API token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'cat_';

/** A token as listed: never the token itself, which is shown once, when created. */
export interface ApiToken {
  id: number;
  userId: number;
  username: string;
  name: string;
  /** The first characters of the token, to tell tokens apart. */
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface TokenRow {
  id: number;
  user_id: number;
  username: string;
  name: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

const SELECT = `SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at,
  t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id`;

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    userId: r.user_id,
    username: r.username,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export function listTokens(db: Db, userId?: number): ApiToken[] {
  const rows =
    userId === undefined
      ? (db.prepare(`${SELECT} ORDER BY t.id`).all() as TokenRow[])
      : (db.prepare(`${SELECT} WHERE t.user_id = ? ORDER BY t.id`).all(userId) as TokenRow[]);
  return rows.map(toToken);
}

export function getToken(db: Db, id: number): ApiToken {
  const row = db.prepare(`${SELECT} WHERE t.id = ?`).get(id) as TokenRow | undefined;
  if (!row) throw notFound('Token', id);
  return toToken(row);
}

/** Creates a token for a user; the returned `token` is the only time it is ever shown. */
export function createToken(
  db: Db,
  userId: number,
  name: string,
  expiresInDays?: number,
): { token: string; info: ApiToken } {
  const user = db.prepare('SELECT disabled FROM users WHERE id = ?').get(userId) as { disabled: number } | undefined;
  if (!user) throw notFound('User', userId);
  if (user.disabled) throw new ApiError(409, 'USER_DISABLED', 'The user is disabled: enable them first.');
  const token = newSecret(TOKEN_PREFIX);
  const now = Date.now();
  const { lastInsertRowid } = db
    .prepare(
      'INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(
      userId,
      name,
      secretHash(token),
      token.slice(0, TOKEN_PREFIX.length + 6),
      now,
      expiresInDays ? now + expiresInDays * 86_400_000 : null,
    );
  return { token, info: getToken(db, Number(lastInsertRowid)) };
}

/** Revokes a token (it stays listed, marked revoked). Revoking twice is harmless. */
export function revokeToken(db: Db, id: number): ApiToken {
  getToken(db, id);
  db.prepare('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(Date.now(), id);
  return getToken(db, id);
}

export interface TokenUser {
  tokenId: number;
  userId: number;
  username: string;
  role: Role;
}

const FIND_TOKEN_USER = `SELECT t.id, t.user_id, t.last_used_at, u.username, u.role FROM api_tokens t
  JOIN users u ON u.id = t.user_id
  WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled = 0`;

/**
 * The user a token acts for, if it is live (not revoked or expired) and its user is enabled.
 * `last_used_at` is written at most once a minute per token, not on every request.
 */
export function findTokenUser(db: Db, token: string): TokenUser | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const now = Date.now();
  const row = preparedOnce(db, FIND_TOKEN_USER).get(secretHash(token), now) as
    { id: number; user_id: number; last_used_at: number | null; username: string; role: Role } | undefined;
  if (!row) return undefined;
  if (row.last_used_at === null || now - row.last_used_at > 60_000)
    db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, row.id);
  return { tokenId: row.id, userId: row.user_id, username: row.username, role: row.role };
}
