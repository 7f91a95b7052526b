import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, databasePath, getDb } from '@/server/db/database';
import type { Role } from '@/server/auth/roles';
import { createUser, findUserForLogin } from '@/server/auth/userRepository';
import { createToken } from '@/server/auth/tokens';
import { errorBodySchema } from '@/server/http/handler';
import { routeContracts, type RouteContract } from '@/server/openapi/generate';

export const SAMPLES_DIR = path.resolve(__dirname, '../../../data/samples');

/** The user `call` acts as when a call names none (set by createTempDatabase). */
let defaultUser: TestUser | null = null;

export interface TestUser {
  username: string;
  role: Role;
}

/** A password the test users are created with (long enough for the password policy). */
export const TEST_PASSWORD = 'correct horse battery staple';

const tokens = new Map<string, Promise<string>>();

/**
 * An API token for `username` in the current database, creating the user (with `role`,
 * annotator by default) on first use. Cached per database file and user (concurrent first calls
 * share one creation).
 */
export function testToken(username: string, role: Role = 'annotator'): Promise<string> {
  const key = `${databasePath()}|${username.toLowerCase()}`;
  let token = tokens.get(key);
  if (!token) {
    token = (async () => {
      const db = getDb();
      const user =
        findUserForLogin(db, username) ?? (await createUser(db, { username, role, password: TEST_PASSWORD }));
      return createToken(db, user.id, 'route tests').token;
    })();
    tokens.set(key, token);
    token.catch(() => tokens.delete(key));
  }
  return token;
}

/** `Authorization` for `username` (see testToken). */
export async function authHeader(username: string, role?: Role): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await testToken(username, role)}` };
}

/**
 * A fresh SQLite file in a temp dir for one test file: sets CANDLE_DB_PATH (read by getDb at
 * call time). Demo seeding is off unless `demo` is true. Calls authenticate as `as` (an admin
 * named `tester` by default; `null`: no credentials) with an API token created on first use.
 */
export function createTempDatabase(options: { demo?: boolean; as?: TestUser | null } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-routes-'));
  const file = path.join(dir, 'test.db');
  process.env.CANDLE_DB_PATH = file;
  process.env.CANDLE_DEMO_DATA = options.demo ? '1' : '0';
  process.env.CANDLE_SAMPLES_DIR = SAMPLES_DIR;
  defaultUser = options.as === undefined ? { username: 'tester', role: 'admin' } : options.as;
  return {
    dir,
    file,
    db: () => getDb(),
    /** Closes the connection (the next request reopens the file, like a restarted server). */
    reopen: () => closeDb(),
    cleanup: () => {
      closeDb();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

export interface CallOptions {
  body?: unknown;
  /** A raw body, sent as application/octet-stream unless `headers` name a content-type. */
  raw?: BodyInit | Uint8Array;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  /** Act as this user (created as an annotator on first use); `null`: send no credentials. */
  as?: string | null;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** Calls a route handler the way Next does: a Request and a context with async params. */
export async function call<T = any>(
  handler: Handler,
  method: string,
  url: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body = options.raw as BodyInit | undefined;
  if (body !== undefined) headers['content-type'] ??= 'application/octet-stream';
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.as !== null && !('authorization' in headers)) {
    const user = options.as ?? defaultUser?.username;
    if (user) headers.authorization = `Bearer ${await testToken(user, options.as ? undefined : defaultUser?.role)}`;
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const request = new Request(new URL(url, 'http://localhost'), init);
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  await checkDeclaredResponse(method, request.url, response.status, response.headers.get('content-type'), text);
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

let contracts: Promise<Array<RouteContract & { pattern: RegExp }>> | undefined;

/** The documented route method a request reaches (its path template as a pattern), if any. */
async function contractOf(method: string, url: string) {
  // As in Next, a static segment wins over a dynamic one: /api/annotations/export is not {id}.
  const dynamicSegments = (c: RouteContract) => c.path.split('{').length;
  contracts ??= routeContracts().then((all) =>
    all
      .sort((a, b) => dynamicSegments(a) - dynamicSegments(b))
      .map((c) => ({ ...c, pattern: new RegExp(`^${c.path.replace(/\{\w+\}/g, '[^/]+')}$`) })),
  );
  const { pathname } = new URL(url);
  return (await contracts).find((c) => c.method === method && c.pattern.test(pathname));
}

/** The paths of the keys in `sent` that `parsed` (its zod parse, which drops unnamed keys) lacks. */
function droppedKeys(sent: unknown, parsed: unknown, at = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed))
    return sent.flatMap((item, i) => droppedKeys(item, parsed[i], `${at}[${i}]`));
  if (!sent || typeof sent !== 'object' || !parsed || typeof parsed !== 'object') return [];
  return Object.entries(sent).flatMap(([key, value]) =>
    key in parsed ? droppedKeys(value, (parsed as Record<string, unknown>)[key], `${at}.${key}`) : [`${at}.${key}`],
  );
}

/**
 * Throws when a documented route's response disagrees with what it declares (reply / replyMedia,
 * the source of docs/openapi.json): a status it does not declare, an undeclared content type, or a
 * JSON body its schema rejects or that holds fields the schema does not name. Errors answer
 * errorBodySchema. Every route test goes through `call`, so every one checks the contract too.
 */
export async function checkDeclaredResponse(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  text: string,
): Promise<void> {
  const contract = await contractOf(method, url);
  if (!contract) return;
  const route = `${method} ${contract.path}`;
  const declared = contract.replies.find((r) => r.status === status);
  if (!declared && status < 400) throw new Error(`${route} answered ${status}, which it does not declare`);
  const type = (contentType ?? '').split(';')[0].trim();
  const content = declared?.content ?? { 'application/json': errorBodySchema };
  if (!(type in content)) throw new Error(`${route} ${status} answered ${type}, which it does not declare`);
  const schema = content[type];
  if (!schema) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${route} ${status}: the body is not JSON`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new Error(`${route} ${status} disagrees with its declared schema: ${JSON.stringify(parsed.error.issues)}`);
  const undeclared = droppedKeys(body, parsed.data);
  if (undeclared.length)
    throw new Error(`${route} ${status} holds fields its declared schema does not name: ${undeclared.join(', ')}`);
}

export function sampleBytes(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(SAMPLES_DIR, file)));
}

export { syntheticCsv } from './syntheticCsv';
