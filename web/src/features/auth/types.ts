import type { Role } from '@/server/auth/roles';

export type { Role };

/** GET /api/auth/session. */
export interface SessionInfo {
  /** False in the single-user mode (no sign-in). */
  authRequired: boolean;
  user: { id: number | null; username: string; role: Role; mustChangePassword: boolean } | null;
}

export interface UserSummary {
  id: number;
  username: string;
  role: Role;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

export interface TokenSummary {
  id: number;
  userId: number;
  username: string;
  name: string;
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
