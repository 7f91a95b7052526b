/** Roles, weakest first: a role may do everything the roles before it may. */
export const ROLES = ['viewer', 'annotator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a route needs: a role, or `public` (no sign-in; the cross-site and Host checks still apply). */
export type Access = Role | 'public';

export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Who a request acts as. */
export interface Principal {
  /** null for the single-user mode and for service credentials that are no stored user. */
  userId: number | null;
  username: string;
  role: Role;
  /** How the request proved it: a browser session, an API token, the single-user mode, or a route's own credential (e.g. a webhook secret). */
  via: 'session' | 'token' | 'local' | 'service';
  /** The session must set a new password before anything else (a one-time password). */
  mustChangePassword: boolean;
  sessionIdHash?: string;
  tokenId?: number;
}
