'use client';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { ApiRequestError } from '@/shared/apiClient';
import { useResource } from '@/shared/useResource';
import { authApi } from '../api';
import type { Role, SessionInfo, TokenSummary, UserSummary } from '../types';
import { UserMenu } from './UserMenu';

const ROLE_NAMES: Role[] = ['viewer', 'annotator', 'admin'];
const when = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

/** Something shown once (a one-time password, a new token): copy it now. */
function Secret({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="notice ok" data-testid={`${testId}-notice`}>
      {label} — shown this once, copy it now:
      <div className="row">
        <code className="mono secret" data-testid={testId}>
          {value}
        </code>
        <button type="button" className="btn small" onClick={() => navigator.clipboard?.writeText(value)}>
          Copy
        </button>
      </div>
    </div>
  );
}

/** Admins: the users (add, role, disable, reset password) and the API tokens (create, revoke). */
export function AdminPanel({ session }: { session: SessionInfo }) {
  const users = useResource(authApi.users);
  const tokens = useResource(authApi.tokens);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ label: string; value: string; testId: string } | null>(null);
  const [newUser, setNewUser] = useState<{ username: string; role: Role }>({ username: '', role: 'annotator' });
  const [newToken, setNewToken] = useState<{ name: string; userId: string; days: string }>({
    name: '',
    userId: String(session.user?.id ?? ''),
    days: '',
  });

  const act = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiRequestError ? `${e.message} (${e.code})` : String(e));
    }
  };
  const addUser = (e: FormEvent) => {
    e.preventDefault();
    return act(async () => {
      const { user, oneTimePassword } = await authApi.addUser(newUser.username.trim(), newUser.role);
      setSecret({
        label: `One-time password of ${user.username}`,
        value: oneTimePassword,
        testId: 'one-time-password',
      });
      setNewUser({ username: '', role: newUser.role });
      await users.reload();
    });
  };
  const updateUser = (user: UserSummary, patch: { role?: Role; disabled?: boolean; resetPassword?: true }) =>
    act(async () => {
      const { oneTimePassword } = await authApi.updateUser(user.id, patch);
      if (oneTimePassword)
        setSecret({
          label: `New one-time password of ${user.username}`,
          value: oneTimePassword,
          testId: 'one-time-password',
        });
      await users.reload();
    });
  const createToken = (e: FormEvent) => {
    e.preventDefault();
    return act(async () => {
      const { token, info } = await authApi.createToken({
        name: newToken.name.trim(),
        userId: Number(newToken.userId) || undefined,
        expiresInDays: newToken.days ? Number(newToken.days) : undefined,
      });
      setSecret({ label: `Token '${info.name}' for ${info.username}`, value: token, testId: 'new-token' });
      setNewToken({ ...newToken, name: '' });
      await tokens.reload();
    });
  };
  const revoke = (token: TokenSummary) =>
    act(async () => {
      await authApi.revokeToken(token.id);
      await tokens.reload();
    });

  return (
    <div className="admin-page">
      <header className="topbar">
        <Link className="brand" href="/">
          <span className="brand-mark" aria-hidden>
            ▮
          </span>
          Candle Annotator
        </Link>
        <span className="chip">Users &amp; tokens</span>
        <span className="grow" />
        <Link className="btn ghost small" href="/">
          Back to the workspace
        </Link>
        <UserMenu session={session} />
      </header>
      <main className="admin-content">
        {error ? (
          <p className="notice error" role="alert" data-testid="admin-error">
            {error}
          </p>
        ) : null}
        {secret ? <Secret {...secret} /> : null}

        <section className="panel-section" data-testid="users-section">
          <h3>Users</h3>
          <form className="row wrap" onSubmit={addUser}>
            <input
              className="input"
              placeholder="user name"
              value={newUser.username}
              onChange={(e) => setNewUser({ ...newUser, username: e.target.value })}
              data-testid="new-user-name"
            />
            <select
              className="select"
              value={newUser.role}
              onChange={(e) => setNewUser({ ...newUser, role: e.target.value as Role })}
              data-testid="new-user-role"
            >
              {ROLE_NAMES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
            <button type="submit" className="btn primary" disabled={!newUser.username.trim()} data-testid="add-user">
              Add user
            </button>
            <span className="muted">They get a one-time password and choose their own at first sign-in.</span>
          </form>
          <table className="plain-table" data-testid="users-table">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Status</th>
                <th>Last sign-in</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(users.data ?? []).map((u) => (
                <tr key={u.id} data-testid={`user-${u.username}`}>
                  <td>{u.username}</td>
                  <td>
                    <select
                      className="select"
                      value={u.role}
                      onChange={(e) => updateUser(u, { role: e.target.value as Role })}
                      aria-label={`Role of ${u.username}`}
                    >
                      {ROLE_NAMES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </td>
                  <td>{u.disabled ? 'disabled' : u.mustChangePassword ? 'one-time password pending' : 'active'}</td>
                  <td>{when(u.lastLoginAt)}</td>
                  <td className="row">
                    <button
                      type="button"
                      className="btn small"
                      onClick={() => updateUser(u, { disabled: !u.disabled })}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                    <button type="button" className="btn small" onClick={() => updateUser(u, { resetPassword: true })}>
                      Reset password
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section className="panel-section" data-testid="tokens-section">
          <h3>API tokens</h3>
          <p className="muted">
            For scripts: <code className="mono">Authorization: Bearer &lt;token&gt;</code>. For Label Studio’s ML
            backend connection: Basic authentication with any user name and the token as password. A token acts with its
            user’s role.
          </p>
          <form className="row wrap" onSubmit={createToken}>
            <input
              className="input"
              placeholder="name (e.g. label studio)"
              value={newToken.name}
              onChange={(e) => setNewToken({ ...newToken, name: e.target.value })}
              data-testid="new-token-name"
            />
            <select
              className="select"
              value={newToken.userId}
              onChange={(e) => setNewToken({ ...newToken, userId: e.target.value })}
              data-testid="new-token-user"
            >
              {(users.data ?? [])
                .filter((u) => !u.disabled)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.username} ({u.role})
                  </option>
                ))}
            </select>
            <input
              className="input"
              type="number"
              min={1}
              max={3650}
              placeholder="expires in days (optional)"
              value={newToken.days}
              onChange={(e) => setNewToken({ ...newToken, days: e.target.value })}
            />
            <button type="submit" className="btn primary" disabled={!newToken.name.trim()} data-testid="create-token">
              Create token
            </button>
          </form>
          <table className="plain-table" data-testid="tokens-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>User</th>
                <th>Token</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(tokens.data ?? []).map((t) => (
                <tr key={t.id} data-testid={`token-${t.id}`}>
                  <td>{t.name}</td>
                  <td>{t.username}</td>
                  <td className="mono">{t.prefix}…</td>
                  <td>{when(t.createdAt)}</td>
                  <td>{when(t.lastUsedAt)}</td>
                  <td>{when(t.expiresAt)}</td>
                  <td>
                    {t.revokedAt ? (
                      <span className="muted">revoked {when(t.revokedAt)}</span>
                    ) : (
                      <button type="button" className="btn small danger" onClick={() => revoke(t)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}
