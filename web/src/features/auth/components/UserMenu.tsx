'use client';
import { UserIcon } from '@/shared/ui/icons';
import type { SessionInfo } from '../types';
import { authApi } from '../api';

/** The signed-in user in the top bar: name, role, the admin page (admins), sign out. */
export function UserMenu({ session }: { session: SessionInfo }) {
  const user = session.user;
  if (!session.authRequired || !user) return null;
  const signOut = async () => {
    await authApi.logout().catch(() => undefined);
    // A full page load, not a client-side push: every piece of the signed-in user's state goes.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign('/login');
  };
  return (
    <span className="row" data-testid="user-menu">
      <span className="chip strong" title={`Signed in as ${user.username} (${user.role})`} data-testid="signed-in-user">
        <UserIcon /> {user.username}
      </span>
      <span className="chip" data-testid="signed-in-role">
        {user.role}
      </span>
      {user.role === 'admin' ? (
        <a className="btn ghost small" href="/admin" data-testid="open-admin">
          Users &amp; tokens
        </a>
      ) : null}
      <button type="button" className="btn ghost small" onClick={signOut} data-testid="sign-out">
        Sign out
      </button>
    </span>
  );
}
