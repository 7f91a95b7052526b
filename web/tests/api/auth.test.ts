import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as loginRoute from '@/app/api/auth/login/route';
import * as logoutRoute from '@/app/api/auth/logout/route';
import * as sessionRoute from '@/app/api/auth/session/route';
import * as passwordRoute from '@/app/api/auth/password/route';
import * as usersRoute from '@/app/api/auth/users/route';
import * as userRoute from '@/app/api/auth/users/[id]/route';
import * as tokensRoute from '@/app/api/auth/tokens/route';
import * as tokenRoute from '@/app/api/auth/tokens/[id]/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import * as datasetsRoute from '@/app/api/datasets/route';
import { ensureAdmin } from '@/server/auth/firstRun';
import { authorize, servicePrincipal } from '@/server/auth/guard';
import { authConfig } from '@/server/auth/config';
import { clearLoginFailures } from '@/server/auth/loginThrottle';
import { call, authHeader, TEST_PASSWORD, createTempDatabase } from '../support/routeHarness';

/** Sign-in, sessions, API tokens, users, the first-run admin and the single-user mode. */
const env = createTempDatabase({ as: null });
afterAll(() => env.cleanup());

const ENV_KEYS = ['CANDLE_AUTH', 'CANDLE_BIND_HOST', 'CANDLE_PUBLIC_URL', 'CANDLE_ALLOWED_HOSTS'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

const ADMIN_PASSWORD = 'first admin password 1';
let admin: Record<string, string>;

/** The session cookie a Set-Cookie header carries, as a Cookie header. */
function cookieFrom(headers: Headers): Record<string, string> {
  const setCookie = headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] };
}

async function login(username: string, password: string) {
  return call(loginRoute.POST, 'POST', '/api/auth/login', { body: { username, password }, as: null });
}

beforeAll(async () => {
  const lines: string[] = [];
  await ensureAdmin(env.db(), { CANDLE_ADMIN_PASSWORD: ADMIN_PASSWORD }, (l) => lines.push(l));
  expect(lines.join('\n')).toMatch(/created the admin 'admin'/);
  const res = await login('admin', ADMIN_PASSWORD);
  expect(res.status).toBe(200);
  admin = cookieFrom(res.headers);
});

describe('sign-in and sessions', () => {
  it('a session cookie is httpOnly, SameSite and path-wide, and names the user', async () => {
    const res = await login('ADMIN', ADMIN_PASSWORD); // user names are case-insensitive
    expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: false });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^candle_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/); // plain http on loopback
    const session = await call(sessionRoute.GET, 'GET', '/api/auth/session', {
      headers: cookieFrom(res.headers),
      as: null,
    });
    expect(session.body).toEqual({
      authRequired: true,
      user: { id: expect.any(Number), username: 'admin', role: 'admin', mustChangePassword: false },
    });
    // Only a hash of the session secret is stored.
    const secret = setCookie.split(';')[0].split('=')[1];
    expect(JSON.stringify(env.db().prepare('SELECT * FROM sessions').all())).not.toContain(secret);
  });

  it('behind https (CANDLE_PUBLIC_URL) the cookie is Secure and __Host- prefixed', async () => {
    process.env.CANDLE_PUBLIC_URL = 'https://candles.example.com';
    const res = await login('admin', ADMIN_PASSWORD);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-candle_session=.*; Secure$/);
  });

  it('wrong passwords and unknown users get the same 401; 10 failures lock the name for 15 minutes', async () => {
    const wrong = await login('admin', 'not the password at all');
    const unknown = await login('nobody', 'not the password at all');
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('INVALID_LOGIN');
      expect(r.headers.get('set-cookie')).toBeNull();
    }
    for (let i = 0; i < 9; i++) await login('admin', `wrong ${i}`);
    const locked = await login('admin', ADMIN_PASSWORD); // even the right password, now
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    clearLoginFailures('admin');
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
  });

  it('logging out ends the session; the stale cookie is refused, and public routes ignore it', async () => {
    const res = await login('admin', ADMIN_PASSWORD);
    const cookie = cookieFrom(res.headers);
    expect((await call(labelsRoute.GET, 'GET', '/api/labels', { headers: cookie, as: null })).status).toBe(200);
    const out = await call(logoutRoute.POST, 'POST', '/api/auth/logout', { headers: cookie, as: null });
    expect(out.headers.get('set-cookie')).toMatch(/^candle_session=; .*Max-Age=0/);
    const after = await call(labelsRoute.GET, 'GET', '/api/labels', { headers: cookie, as: null });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('INVALID_CREDENTIALS');
    const session = await call(sessionRoute.GET, 'GET', '/api/auth/session', { headers: cookie, as: null });
    expect(session.body.user).toBeNull();
  });

  it('an expired session is refused', async () => {
    const res = await login('admin', ADMIN_PASSWORD);
    env
      .db()
      .prepare('UPDATE sessions SET expires_at = ?')
      .run(Date.now() - 1);
    const after = await call(labelsRoute.GET, 'GET', '/api/labels', { headers: cookieFrom(res.headers), as: null });
    expect(after.status).toBe(401);
    admin = cookieFrom((await login('admin', ADMIN_PASSWORD)).headers);
  });
});

describe('users and one-time passwords', () => {
  it('an admin adds a user with a one-time password, which must be changed before anything else', async () => {
    const created = await call(usersRoute.POST, 'POST', '/api/auth/users', {
      headers: admin,
      as: null,
      body: { username: 'olga', role: 'annotator' },
    });
    expect(created.status).toBe(201);
    const otp = created.body.oneTimePassword as string;
    expect(otp).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(created.body.user).toMatchObject({ username: 'olga', role: 'annotator', mustChangePassword: true });
    const signedIn = await login('olga', otp);
    expect(signedIn.body.user.mustChangePassword).toBe(true);
    const olga = cookieFrom(signedIn.headers);
    const blocked = await call(labelsRoute.GET, 'GET', '/api/labels', { headers: olga, as: null });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const change = (currentPassword: string, newPassword: string) =>
      call(passwordRoute.POST, 'POST', '/api/auth/password', {
        headers: olga,
        as: null,
        body: { currentPassword, newPassword },
      });
    expect((await change('wrong', 'a good long password')).body.error.code).toBe('WRONG_PASSWORD');
    expect((await change(otp, 'short')).body.error.code).toBe('WEAK_PASSWORD');
    expect((await change(otp, 'olga')).body.error.code).toBe('WEAK_PASSWORD');
    const ok = await change(otp, 'a good long password');
    expect(ok.status).toBe(200);
    expect(ok.body.user.mustChangePassword).toBe(false);
    // The same session goes on; the one-time password no longer signs in.
    expect((await call(labelsRoute.GET, 'GET', '/api/labels', { headers: olga, as: null })).status).toBe(200);
    expect((await login('olga', otp)).status).toBe(401);
    expect((await login('olga', 'a good long password')).status).toBe(200);
  });

  it('names are unique (case-insensitively) and well-formed', async () => {
    const add = (username: string) =>
      call(usersRoute.POST, 'POST', '/api/auth/users', {
        headers: admin,
        as: null,
        body: { username, role: 'viewer' },
      });
    expect((await add('OLGA')).body.error.code).toBe('USERNAME_TAKEN');
    expect((await add('no spaces')).body.error.code).toBe('INVALID_USERNAME');
    expect((await add('<script>')).body.error.code).toBe('INVALID_USERNAME');
  });

  it('disabling a user ends their sessions and stops their tokens; the last admin cannot be demoted', async () => {
    const users = (await call(usersRoute.GET, 'GET', '/api/auth/users', { headers: admin, as: null })).body.users;
    const olga = users.find((u: { username: string }) => u.username === 'olga');
    const session = cookieFrom((await login('olga', 'a good long password')).headers);
    const token = (
      await call(tokensRoute.POST, 'POST', '/api/auth/tokens', {
        headers: admin,
        as: null,
        body: { userId: olga.id, name: 'olga script' },
      })
    ).body.token as string;
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call(labelsRoute.GET, 'GET', '/api/labels', { headers: bearer, as: null })).status).toBe(200);

    const patch = (id: number, body: unknown) =>
      call(userRoute.PATCH, 'PATCH', `/api/auth/users/${id}`, {
        headers: admin,
        as: null,
        params: { id: String(id) },
        body,
      });
    expect((await patch(olga.id, { disabled: true })).body.user.disabled).toBe(true);
    for (const headers of [session, bearer])
      expect((await call(labelsRoute.GET, 'GET', '/api/labels', { headers, as: null })).status).toBe(401);
    expect((await login('olga', 'a good long password')).status).toBe(401);
    await patch(olga.id, { disabled: false });
    expect((await call(labelsRoute.GET, 'GET', '/api/labels', { headers: bearer, as: null })).status).toBe(200);

    const me = users.find((u: { username: string }) => u.username === 'admin');
    const demote = await patch(me.id, { role: 'viewer' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('LAST_ADMIN');
    expect((await patch(me.id, { disabled: true })).body.error.code).toBe('LAST_ADMIN');

    // A reset issues a new one-time password.
    const reset = await patch(olga.id, { resetPassword: true });
    expect(reset.body.oneTimePassword).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await login('olga', reset.body.oneTimePassword)).body.user.mustChangePassword).toBe(true);
  });
});

describe('API tokens', () => {
  let token: string;
  let tokenId: number;
  beforeAll(async () => {
    const res = await call(tokensRoute.POST, 'POST', '/api/auth/tokens', {
      headers: admin,
      as: null,
      body: { name: 'label studio' },
    });
    expect(res.status).toBe(201);
    token = res.body.token;
    tokenId = res.body.info.id;
    expect(token).toMatch(/^cat_[A-Za-z0-9_-]{43}$/);
    expect(res.body.info).toMatchObject({ username: 'admin', name: 'label studio', prefix: token.slice(0, 10) });
  });

  it('is accepted as Bearer, Token, and as the password of HTTP Basic (what Label Studio sends)', async () => {
    const basic = Buffer.from(`anyone:${token}`).toString('base64');
    for (const authorization of [`Bearer ${token}`, `Token ${token}`, `token ${token}`, `Basic ${basic}`]) {
      const res = await call(labelsRoute.GET, 'GET', '/api/labels', { headers: { authorization }, as: null });
      expect(res.status, authorization).toBe(200);
    }
  });

  it('is never listed, only its prefix; and a wrong one never falls back to the cookie', async () => {
    const listed = await call(tokensRoute.GET, 'GET', '/api/auth/tokens', { headers: admin, as: null });
    expect(listed.text).not.toContain(token);
    expect(JSON.stringify(env.db().prepare('SELECT * FROM api_tokens').all())).not.toContain(token);
    for (const authorization of ['Bearer cat_nope', 'Basic !!!', `Digest ${token}`, 'Bearer']) {
      const res = await call(labelsRoute.GET, 'GET', '/api/labels', { headers: { authorization, ...admin }, as: null });
      expect(res.status, authorization).toBe(401);
      expect(res.body.error.code, authorization).toBe('INVALID_CREDENTIALS');
    }
  });

  it('the signed-in user (or the token’s) is the annotator of a span, whatever the request says', async () => {
    const up = await call(datasetsRoute.POST, 'POST', '/api/datasets?name=tiny', {
      raw: 'time,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,1,2,0.5,1.5,10\n',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      as: null,
    });
    expect(up.status).toBe(201);
    const labelId = (await call(labelsRoute.GET, 'GET', '/api/labels', { headers: admin, as: null })).body.labels[0].id;
    const created = await call(annotationsRoute.POST, 'POST', '/api/annotations', {
      headers: { ...(await authHeader('vera', 'annotator')), 'x-annotator': 'mallory' },
      as: null,
      body: {
        datasetId: up.body.datasets[0].id,
        labelId,
        start: Date.UTC(2024, 0, 1),
        end: Date.UTC(2024, 0, 2),
        annotator: 'mallory',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.annotation.annotator).toBe('vera');
  });

  it('revoked or expired tokens are refused', async () => {
    const revoked = await call(tokenRoute.DELETE, 'DELETE', `/api/auth/tokens/${tokenId}`, {
      headers: admin,
      as: null,
      params: { id: String(tokenId) },
    });
    expect(revoked.body.token.revokedAt).toEqual(expect.any(Number));
    const res = await call(labelsRoute.GET, 'GET', '/api/labels', {
      headers: { authorization: `Bearer ${token}` },
      as: null,
    });
    expect(res.status).toBe(401);

    const expiring = await call(tokensRoute.POST, 'POST', '/api/auth/tokens', {
      headers: admin,
      as: null,
      body: { name: 'short', expiresInDays: 1 },
    });
    env
      .db()
      .prepare('UPDATE api_tokens SET expires_at = ? WHERE id = ?')
      .run(Date.now() - 1, expiring.body.info.id);
    const late = await call(labelsRoute.GET, 'GET', '/api/labels', {
      headers: { authorization: `Bearer ${expiring.body.token}` },
      as: null,
    });
    expect(late.status).toBe(401);
  });
});

describe('the guard’s request checks', () => {
  // A token, not the cookie: with CANDLE_PUBLIC_URL on https the cookie's name changes.
  let admin: Record<string, string>;
  beforeAll(async () => {
    admin = await authHeader('guard-admin', 'admin');
  });
  const get = (headers: Record<string, string>, url = 'http://localhost/api/labels') =>
    call(labelsRoute.GET, 'GET', url, { headers: { ...admin, ...headers }, as: null });
  const post = (headers: Record<string, string>, raw?: string) =>
    call(labelsRoute.POST, 'POST', '/api/labels', {
      headers: { ...admin, ...headers },
      as: null,
      raw: raw ?? JSON.stringify({ name: `label ${Math.random()}`, color: '#123456' }),
    });

  it('Host allow-list: loopback names and the configured public name only (DNS rebinding)', async () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST'])
      expect((await get({ host })).status, host).toBe(200);
    for (const host of [
      'evil.example.com',
      'evil.example.com:3000',
      'localhost.evil.example.com',
      '192.168.1.20:3000',
    ]) {
      const res = await get({ host });
      expect(res.status, host).toBe(421);
      expect(res.body.error.code).toBe('HOST_NOT_ALLOWED');
    }
    process.env.CANDLE_PUBLIC_URL = 'https://candles.example.com';
    process.env.CANDLE_ALLOWED_HOSTS = 'annotator.lan, 192.168.1.20';
    for (const host of ['candles.example.com', 'annotator.lan:3000', '192.168.1.20:3000'])
      expect((await get({ host })).status, host).toBe(200);
  });

  it('writes from other origins are refused (Origin, Sec-Fetch-Site), reads from other sites too', async () => {
    const json = { 'content-type': 'application/json' };
    expect((await post({ ...json, origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    for (const headers of [
      { origin: 'http://evil.example.com' } as Record<string, string>,
      { origin: 'http://localhost:4000' }, // another port: another origin (same site)
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const res = await post({ ...json, ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe('CROSS_SITE_REQUEST');
    }
    expect((await get({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' })).status).toBe(403);
    expect((await get({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' })).status).toBe(200);
    process.env.CANDLE_PUBLIC_URL = 'https://candles.example.com';
    const viaProxy = await post({ ...json, origin: 'https://candles.example.com', host: '127.0.0.1:3000' });
    expect(viaProxy.status).toBe(201);
  });

  it('writes take JSON only (or a route’s documented upload types): no form or no-cors bodies', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post({ 'content-type': type });
      expect(res.status, type).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    // A body without any Content-Type (a no-cors fetch of a Blob).
    const blob = new Blob([JSON.stringify({ name: 'untyped', color: '#123456' })]);
    const untyped = await labelsRoute.POST(
      new Request('http://localhost/api/labels', {
        method: 'POST',
        headers: { ...admin, 'content-length': String(blob.size) },
        body: blob,
      }),
      { params: Promise.resolve({}) },
    );
    expect(untyped.status).toBe(415);
    // The CSV upload takes text/csv, never text/plain.
    const csv = 'time,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n';
    const asText = await call(datasetsRoute.POST, 'POST', '/api/datasets?name=plain', {
      headers: { ...admin, 'content-type': 'text/plain' },
      as: null,
      raw: csv,
    });
    expect(asText.status).toBe(415);
    expect(asText.body.error.details.accepts).toContain('text/csv');
  });

  it('a route can accept its own credential (the Label Studio webhook secret hook)', async () => {
    const secretCheck = (request: Request) =>
      request.headers.get('x-hook-secret') === 's3cret' ? servicePrincipal('label-studio', 'annotator') : undefined;
    const request = (headers: Record<string, string>) =>
      new Request('http://localhost/api/ls/webhook', { method: 'POST', headers });
    const who = await authorize(request({ 'x-hook-secret': 's3cret' }), 'annotator', { alsoAccept: [secretCheck] });
    expect(who).toMatchObject({ username: 'label-studio', role: 'annotator', via: 'service' });
    await expect(
      authorize(request({ 'x-hook-secret': 'nope' }), 'annotator', { alsoAccept: [secretCheck] }),
    ).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe('single-user mode (CANDLE_AUTH=off)', () => {
  it('is granted on loopback only: no sign-in, annotator named by the request', async () => {
    process.env.CANDLE_AUTH = 'off';
    process.env.CANDLE_BIND_HOST = '127.0.0.1';
    expect(authConfig().required).toBe(false);
    const res = await call(labelsRoute.GET, 'GET', '/api/labels', { as: null });
    expect(res.status).toBe(200);
    const session = await call(sessionRoute.GET, 'GET', '/api/auth/session', { as: null });
    expect(session.body).toMatchObject({ authRequired: false, user: { username: 'local', role: 'admin' } });
    // Cross-site and Host checks still apply.
    const cross = await call(labelsRoute.POST, 'POST', '/api/labels', {
      as: null,
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example.com' },
      raw: '{}',
    });
    expect(cross.status).toBe(403);
    expect((await call(labelsRoute.GET, 'GET', 'http://evil.example.com/api/labels', { as: null })).status).toBe(421);
  });

  it('is refused on any other interface, an unknown one, or with a public URL: sign-in stays required', async () => {
    process.env.CANDLE_AUTH = 'off';
    for (const [bind, publicUrl] of [
      ['0.0.0.0', undefined],
      ['192.168.1.20', undefined],
      [undefined, undefined],
      ['127.0.0.1', 'https://candles.example.com'],
    ]) {
      if (bind === undefined) delete process.env.CANDLE_BIND_HOST;
      else process.env.CANDLE_BIND_HOST = bind;
      if (publicUrl === undefined) delete process.env.CANDLE_PUBLIC_URL;
      else process.env.CANDLE_PUBLIC_URL = publicUrl;
      const config = authConfig();
      expect(config.required, `${bind} ${publicUrl}`).toBe(true);
      expect(config.refusal).toMatch(/refused/);
      expect((await call(labelsRoute.GET, 'GET', '/api/labels', { as: null })).status).toBe(401);
    }
  });
});

describe('first-run admin', () => {
  it('prints a one-time password when no user exists, again while it is unused, and resets on request', async () => {
    const fresh = createTempDatabase({ as: null });
    try {
      const lines: string[] = [];
      await ensureAdmin(fresh.db(), {}, (l) => lines.push(l));
      const otp = /password: (\S+)/.exec(lines.join('\n'))![1];
      expect(otp).toHaveLength(20);
      const first = await login('admin', otp);
      expect(first.body.user).toMatchObject({ role: 'admin', mustChangePassword: true });

      // A restart before the admin ever signed in prints a new one (the old one may be lost)…
      fresh.db().prepare('UPDATE users SET last_login_at = NULL').run();
      const again: string[] = [];
      await ensureAdmin(fresh.db(), {}, (l) => again.push(l));
      const otp2 = /password: (\S+)/.exec(again.join('\n'))![1];
      expect(otp2).not.toBe(otp);
      expect((await login('admin', otp)).status).toBe(401);
      expect((await login('admin', otp2)).status).toBe(200);
      // …but once signed in, nothing is printed.
      const quiet: string[] = [];
      await ensureAdmin(fresh.db(), {}, (l) => quiet.push(l));
      expect(quiet).toEqual([]);

      // A locked-out operator: CANDLE_RESET_ADMIN=1 (with a chosen password here).
      const reset: string[] = [];
      await ensureAdmin(fresh.db(), { CANDLE_RESET_ADMIN: '1', CANDLE_ADMIN_PASSWORD: TEST_PASSWORD }, (l) =>
        reset.push(l),
      );
      expect(reset.join('\n')).toMatch(/reset the admin 'admin'/);
      expect((await login('admin', TEST_PASSWORD)).body.user.mustChangePassword).toBe(false);
    } finally {
      fresh.cleanup();
    }
  });
});
