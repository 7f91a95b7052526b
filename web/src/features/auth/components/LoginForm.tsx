'use client';
import { useState, type FormEvent } from 'react';
import { ApiRequestError } from '@/shared/apiClient';
import { authApi } from '../api';

interface Props {
  /** Where to go once signed in (a path of this app). */
  next: string;
  /** Already signed in with a one-time password: only the password change is left. */
  pendingChangeFor?: string;
}

/** Sign-in, then — for a one-time password — the choice of a new password. */
export function LoginForm({ next, pendingChangeFor }: Props) {
  const [step, setStep] = useState<'login' | 'change'>(pendingChangeFor ? 'change' : 'login');
  const [username, setUsername] = useState(pendingChangeFor ?? '');
  const [password, setPassword] = useState('');
  const [current, setCurrent] = useState('');
  const [fresh, setFresh] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const target = next.startsWith('/') && !next.startsWith('//') ? next : '/';

  const run = async (e: FormEvent, action: () => Promise<void>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const signIn = (e: FormEvent) =>
    run(e, async () => {
      const { user } = await authApi.login(username.trim(), password);
      if (user.mustChangePassword) {
        setCurrent(password);
        setPassword('');
        setStep('change');
      } else window.location.assign(target);
    });

  const change = (e: FormEvent) =>
    run(e, async () => {
      if (fresh !== repeat) throw new Error('The two new passwords differ.');
      await authApi.changePassword(current, fresh);
      window.location.assign(target);
    });

  return (
    <main className="login-page">
      <div className="login-card" data-testid="login-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            ▮
          </span>
          Candle Annotator
        </div>
        {step === 'login' ? (
          <form onSubmit={signIn} data-testid="login-form">
            <label className="field">
              User name
              <input
                className="input"
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                autoFocus
                data-testid="login-username"
              />
            </label>
            <label className="field">
              Password
              <input
                className="input"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="login-password"
              />
            </label>
            <button
              type="submit"
              className="btn primary"
              disabled={busy || !username.trim() || !password}
              data-testid="login-submit"
            >
              Sign in
            </button>
          </form>
        ) : (
          <form onSubmit={change} data-testid="password-form">
            <p className="notice warn">
              {username ? `${username}, your` : 'Your'} password was a one-time password: choose your own (at least 12
              characters).
            </p>
            {pendingChangeFor ? (
              <label className="field">
                Current (one-time) password
                <input
                  className="input"
                  type="password"
                  autoComplete="current-password"
                  value={current}
                  onChange={(e) => setCurrent(e.target.value)}
                  data-testid="password-current"
                />
              </label>
            ) : null}
            <label className="field">
              New password
              <input
                className="input"
                type="password"
                autoComplete="new-password"
                value={fresh}
                onChange={(e) => setFresh(e.target.value)}
                autoFocus
                data-testid="password-new"
              />
            </label>
            <label className="field">
              New password, again
              <input
                className="input"
                type="password"
                autoComplete="new-password"
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
                data-testid="password-repeat"
              />
            </label>
            <button
              type="submit"
              className="btn primary"
              disabled={busy || !fresh || !repeat || !current}
              data-testid="password-submit"
            >
              Set password and continue
            </button>
          </form>
        )}
        {error ? (
          <p className="notice error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
      </div>
    </main>
  );
}
