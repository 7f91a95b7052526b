import type { Role } from '@/server/auth/roles';
import type { ApiToken } from '@/server/auth/tokens';
import type { User } from '@/server/auth/userRepository';

export type { Role };

/** A user as the API lists it: the server's record type (never the password hash). */
export type UserSummary = User;

/** A token as the API lists it: the server's record type (never the token itself). */
export type TokenSummary = ApiToken;

/** GET /api/auth/session. */
export interface SessionInfo {
  /** False in the single-user mode (no sign-in). */
  authRequired: boolean;
  user: { id: number | null; username: string; role: Role; mustChangePassword: boolean } | null;
}
