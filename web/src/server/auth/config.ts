/**
 * How the server protects itself, from the environment (read on every call: cheap, and tests
 * change it). See docs/security.md.
 *
 * - `CANDLE_AUTH=off` (or `--no-auth` on the launcher): single-user mode, no sign-in. Refused
 *   unless the server listens on loopback only (`CANDLE_BIND_HOST`, set by web/scripts/serve.mjs).
 * - `CANDLE_BIND_HOST`: the interface the server listens on (127.0.0.1 by default).
 * - `CANDLE_PUBLIC_URL`: the address people use (e.g. `https://candles.example.com` behind a TLS
 *   proxy): its host joins the Host allow-list and an https URL makes cookies `Secure`.
 * - `CANDLE_ALLOWED_HOSTS`: more Host names to accept, comma-separated.
 * - `CANDLE_SESSION_HOURS`: how long a sign-in lasts (default 168 = 7 days).
 */
export interface AuthConfig {
  /** False only in the single-user mode, which is only ever granted on loopback. */
  required: boolean;
  /** The single-user mode was asked for but refused (the reason), so sign-in stays required. */
  refusal?: string;
  bindHost: string;
  /** Host names (lower case, no port) the server answers to. */
  allowedHosts: ReadonlySet<string>;
  /** CANDLE_PUBLIC_URL's origin: pages served through a proxy under that name send it as Origin. */
  publicOrigin?: string;
  secureCookies: boolean;
  sessionTtlMs: number;
}

/** The environment variables read here (process.env, or a test's own). */
export type Env = Record<string, string | undefined>;

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1', '[::1]'];

/** True for an address or name that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = normalizeHost(host);
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** A Host header or name without port, lower-cased, without a trailing dot. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    h = end > 0 ? h.slice(0, end + 1) : h;
  } else if ((h.match(/:/g) ?? []).length === 1) {
    h = h.slice(0, h.indexOf(':'));
  }
  return h.replace(/\.$/, '');
}

function envFlagOff(value: string | undefined): boolean {
  return ['off', '0', 'false', 'no', 'none'].includes((value ?? '').trim().toLowerCase());
}

export function authConfig(env: Env = process.env): AuthConfig {
  const bindHost = (env.CANDLE_BIND_HOST ?? '').trim() || '0.0.0.0';
  const publicUrl = parsePublicUrl(env.CANDLE_PUBLIC_URL);
  const allowedHosts = new Set(LOOPBACK_NAMES);
  if (!['0.0.0.0', '::', '[::]'].includes(bindHost)) allowedHosts.add(normalizeHost(bindHost));
  if (publicUrl) allowedHosts.add(normalizeHost(publicUrl.host));
  for (const name of (env.CANDLE_ALLOWED_HOSTS ?? '').split(','))
    if (name.trim()) allowedHosts.add(normalizeHost(name));

  let required = true;
  let refusal: string | undefined;
  if (envFlagOff(env.CANDLE_AUTH)) {
    if (!isLoopback(bindHost))
      refusal = `CANDLE_AUTH=off is refused: the server listens on ${env.CANDLE_BIND_HOST ? bindHost : 'an unknown interface (CANDLE_BIND_HOST is not set)'}, not on loopback only`;
    else if (publicUrl && !isLoopback(publicUrl.hostname))
      refusal = `CANDLE_AUTH=off is refused: CANDLE_PUBLIC_URL (${publicUrl.host}) makes the server reachable from elsewhere`;
    else required = false;
  }
  const hours = Number(env.CANDLE_SESSION_HOURS);
  return {
    required,
    refusal,
    bindHost,
    allowedHosts,
    publicOrigin: publicUrl?.origin,
    secureCookies: publicUrl?.protocol === 'https:',
    sessionTtlMs: (Number.isFinite(hours) && hours > 0 ? Math.min(hours, 24 * 365) : 168) * 3600_000,
  };
}

function parsePublicUrl(value: string | undefined): URL | undefined {
  if (!value?.trim()) return undefined;
  try {
    return new URL(value.trim());
  } catch {
    throw new Error(`CANDLE_PUBLIC_URL is not a URL: ${value}`);
  }
}
