import 'server-only';
import { getDb, type Db } from '@/server/db/database';
import { ApiError } from '@/server/http/apiError';
import { authConfig, type AuthConfig } from './config';
import { checkBodyType, checkHost, checkSameOrigin } from './requestPolicy';
import { type Access, type Principal, roleAllows } from './roles';
import { findSession, readCookie, sessionCookieName } from './sessions';
import { findTokenUser } from './tokens';

/**
 * Another way a route lets a request in when it carries none of the usual credentials, or an
 * invalid one: e.g. the Label Studio webhook's shared secret (web/src/features/labelstudio).
 * Returns the principal the request acts as, or undefined to refuse it.
 */
export type CredentialCheck = (request: Request) => Principal | undefined | Promise<Principal | undefined>;

export interface GuardOptions {
  /** Body types a write accepts (JSON only by default; upload routes name theirs). */
  accepts?: readonly string[];
  /** Let a session whose one-time password is still unchanged through (the password and session routes). */
  allowPendingPasswordChange?: boolean;
  /** Credentials only this route accepts, tried after the usual ones fail. */
  alsoAccept?: readonly CredentialCheck[];
}

const REALM = { 'WWW-Authenticate': 'Bearer realm="Candle Annotator"' };

/** A principal for a route's own credential (`alsoAccept`): acts as `username` with `role`. */
export function servicePrincipal(username: string, role: Principal['role']): Principal {
  return { userId: null, username, role, via: 'service', mustChangePassword: false };
}

/** Who every request is in the single-user mode. */
export const LOCAL: Principal = {
  userId: null,
  username: 'local',
  role: 'admin',
  via: 'local',
  mustChangePassword: false,
};

let warnedRefusal = false;

/**
 * THE guard: every route handler runs it first (through `route()` in server/http/handler.ts).
 * In order: the Host allow-list (421), cross-site requests (403 CROSS_SITE_REQUEST), the
 * credentials — a session cookie, `Authorization: Bearer|Token <api token>`, or HTTP Basic whose
 * password is an API token — (401 when missing or invalid), a pending one-time password (403
 * PASSWORD_CHANGE_REQUIRED), the role (403 FORBIDDEN), then the body's type (415). Returns who
 * the request acts as; `null` only for a `public` route called without credentials.
 */
export async function authorize(
  request: Request,
  access: Access,
  options: GuardOptions = {},
): Promise<Principal | null> {
  const config = authConfig();
  try {
    checkHost(request, config);
    checkSameOrigin(request, config);
  } catch (error) {
    logRefusal(request, error as ApiError);
    throw error;
  }
  const principal = config.required ? await authenticate(request, config, access, options) : LOCAL;
  checkBodyType(request, options.accepts);
  return principal;
}

async function authenticate(
  request: Request,
  config: AuthConfig,
  access: Access,
  options: GuardOptions,
): Promise<Principal | null> {
  if (config.refusal && !warnedRefusal) {
    warnedRefusal = true;
    console.error(`[auth] ${config.refusal}; sign-in stays required.`);
  }

  let principal = identify(request, getDb(), config);
  if (principal === undefined || principal === 'invalid')
    for (const check of options.alsoAccept ?? []) {
      const other = await check(request);
      if (other) {
        principal = other;
        break;
      }
    }
  // A public route answers without credentials, and as if without them when they are stale.
  if (access === 'public') return typeof principal === 'object' ? principal : null;
  if (principal === 'invalid')
    throw new ApiError(
      401,
      'INVALID_CREDENTIALS',
      'The credentials are unknown, expired or revoked.',
      undefined,
      REALM,
    );
  if (principal === undefined) {
    throw new ApiError(
      401,
      'AUTH_REQUIRED',
      'Sign in, or send an API token (Authorization: Bearer <token>).',
      undefined,
      REALM,
    );
  }
  if (principal.mustChangePassword && !options.allowPendingPasswordChange)
    throw new ApiError(
      403,
      'PASSWORD_CHANGE_REQUIRED',
      'Choose a new password first (the one you signed in with was one-time).',
    );
  if (!roleAllows(principal.role, access))
    throw new ApiError(403, 'FORBIDDEN', `This needs the ${access} role; ${principal.username} is ${principal.role}.`, {
      role: principal.role,
      needs: access,
    });
  return principal;
}

// Refused cross-site and wrong-Host requests are logged (someone is probing or attacking), at
// most REFUSAL_LOG_LIMIT lines a minute so that a flood cannot fill the log.
const REFUSAL_LOG_LIMIT = 30;
const refusalLog = { windowStart: 0, lines: 0, dropped: 0 };

function logRefusal(request: Request, error: ApiError): void {
  const now = Date.now();
  if (now - refusalLog.windowStart > 60_000) {
    if (refusalLog.dropped) console.warn(`[auth] … and ${refusalLog.dropped} more refused requests`);
    Object.assign(refusalLog, { windowStart: now, lines: 0, dropped: 0 });
  }
  if (refusalLog.lines >= REFUSAL_LOG_LIMIT) {
    refusalLog.dropped++;
    return;
  }
  refusalLog.lines++;
  const h = request.headers;
  const from = [
    `host ${JSON.stringify(h.get('host') ?? new URL(request.url).host).slice(0, 120)}`,
    h.get('origin') ? `origin ${JSON.stringify(h.get('origin')).slice(0, 120)}` : '',
    h.get('sec-fetch-site') ? `sec-fetch-site ${h.get('sec-fetch-site')}` : '',
  ].filter(Boolean);
  console.warn(
    `[auth] refused ${request.method} ${new URL(request.url).pathname.slice(0, 200)} (${error.code}; ${from.join(', ')})`,
  );
}

/**
 * The principal a request's credentials name: the Authorization header when there is one (an
 * unknown scheme or token is 'invalid', never a fall-through to the cookie), else the session
 * cookie; undefined when it carries neither.
 */
export function identify(request: Request, db: Db, config: AuthConfig): Principal | 'invalid' | undefined {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const token = tokenOf(header);
    const user = token === undefined ? undefined : findTokenUser(db, token);
    if (!user) return 'invalid';
    return {
      userId: user.userId,
      username: user.username,
      role: user.role,
      via: 'token',
      tokenId: user.tokenId,
      mustChangePassword: false,
    };
  }
  const secret = readCookie(request.headers.get('cookie'), sessionCookieName(config));
  if (!secret) return undefined;
  return sessionPrincipal(db, secret) ?? 'invalid';
}

/** The principal of a live session cookie's secret; undefined when unknown, expired or its user disabled. */
export function sessionPrincipal(db: Db, secret: string): Principal | undefined {
  const session = findSession(db, secret);
  if (!session) return undefined;
  return {
    userId: session.userId,
    username: session.username,
    role: session.role,
    via: 'session',
    sessionIdHash: session.idHash,
    mustChangePassword: session.mustChangePassword,
  };
}

/** The API token in an Authorization header: `Bearer <t>`, `Token <t>` or Basic `<any user>:<t>`. */
export function tokenOf(header: string): string | undefined {
  const match = /^\s*(\w+)\s+(\S+)\s*$/.exec(header);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme === 'bearer' || scheme === 'token') return match[2];
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
