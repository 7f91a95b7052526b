import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const WEB_DIR = path.resolve(__dirname, '../..');
export const SAMPLES_DIR = path.resolve(WEB_DIR, '../data/samples');
export const RESULTS_DIR = path.join(WEB_DIR, 'test-results');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDbPath(tag: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `candle-e2e-${tag}-`));
  return { dir, file: path.join(dir, 'candle.db') };
}

/** The first admin every e2e server starts with (CANDLE_ADMIN_PASSWORD), and the password of the users tests add. */
export const E2E_ADMIN = { username: 'admin', password: 'e2e admin password, long enough' };
export const E2E_PASSWORD = 'e2e user password, long enough';

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  /** An API token of the admin (created at start). */
  token: string;
  /** `fetch` of a path on this server, authenticated as the admin (Bearer token) unless `init` names other credentials. */
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** Signs a browser context in as `username` (created with `role` on first use): its pages carry the session. */
  signIn: (context: BrowserContext, username: string, role?: 'viewer' | 'annotator' | 'admin') => Promise<void>;
  /** Graceful stop (SIGTERM to the process group). */
  stop: () => Promise<void>;
  /** kill -9 of the whole process group: no shutdown code runs. */
  crash: () => Promise<void>;
}

/**
 * Starts the BUILT app the way `npm start` does (web/scripts/serve.mjs: 127.0.0.1, sign-in on) on
 * a free port with the given database and a first admin (E2E_ADMIN); resolves when it answers,
 * with an admin API token for the test's own requests. `env` adds or overrides variables.
 */
export async function startServer(
  dbFile: string,
  options: { port?: number; demo?: boolean; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  if (!fs.existsSync(path.join(WEB_DIR, '.next', 'BUILD_ID')))
    throw new Error('No build in web/.next: run `npm -w web run build` (test:e2e does it).');
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [path.join(WEB_DIR, 'scripts', 'serve.mjs'), 'start', '--port', String(port)], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      CANDLE_DB_PATH: dbFile,
      CANDLE_SAMPLES_DIR: SAMPLES_DIR,
      CANDLE_DEMO_DATA: options.demo === false ? '0' : '1',
      CANDLE_ADMIN_USER: E2E_ADMIN.username,
      CANDLE_ADMIN_PASSWORD: E2E_ADMIN.password,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ...options.env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/api/auth/session`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`next start did not answer within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const signalGroup = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
    await exited;
  };
  // The single-user mode has no sign-in: the test's requests need no token there.
  const session = (await (await fetch(`${url}/api/auth/session`)).json()) as { authRequired: boolean };
  const token = session.authRequired ? await adminToken(url) : '';
  const authed = (p: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    return fetch(`${url}${p}`, { ...init, headers });
  };
  return {
    url,
    port,
    process: child,
    output: () => log,
    token,
    fetch: authed,
    signIn: (context, username, role = 'annotator') => signIn(url, authed, context, username, role),
    stop: () => signalGroup('SIGTERM'),
    crash: () => signalGroup('SIGKILL'),
  };
}

async function expectOk<T = { token: string }>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Signs the first admin in and creates an API token for the test's own requests. */
async function adminToken(url: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(E2E_ADMIN),
  });
  await expectOk(login, 'admin sign-in');
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const created = await fetch(`${url}/api/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'e2e' }),
  });
  return (await expectOk(created, 'admin token')).token;
}

/**
 * Creates `username` (if new) with a one-time password, then signs the browser context in with
 * it and sets E2E_PASSWORD, as a person would at first sign-in; the context keeps the session.
 */
async function signIn(
  url: string,
  authed: (p: string, init?: RequestInit) => Promise<Response>,
  context: BrowserContext,
  username: string,
  role: 'viewer' | 'annotator' | 'admin',
): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const added = await authed('/api/auth/users', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username, role }),
  });
  if (added.status === 201) {
    const { oneTimePassword } = await added.json();
    const first = await context.request.post(`${url}/api/auth/login`, {
      data: { username, password: oneTimePassword },
    });
    if (!first.ok()) throw new Error(`sign-in of ${username}: ${first.status()} ${await first.text()}`);
    const changed = await context.request.post(`${url}/api/auth/password`, {
      data: { currentPassword: oneTimePassword, newPassword: E2E_PASSWORD },
    });
    if (!changed.ok()) throw new Error(`password of ${username}: ${changed.status()} ${await changed.text()}`);
    return;
  }
  if (added.status !== 409) throw new Error(`adding ${username}: ${added.status} ${await added.text()}`);
  const again = await context.request.post(`${url}/api/auth/login`, { data: { username, password: E2E_PASSWORD } });
  if (!again.ok()) throw new Error(`sign-in of ${username}: ${again.status()} ${await again.text()}`);
}
