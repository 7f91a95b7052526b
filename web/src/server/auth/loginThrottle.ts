import 'server-only';
import { ApiError } from '@/server/http/apiError';

/**
 * Failed sign-ins per user name: 10 within 15 minutes block that name until the oldest failure
 * is 15 minutes old (429 TOO_MANY_ATTEMPTS with Retry-After). Kept in memory: a restart forgets
 * them, which costs a guesser a restart for every 10 guesses (each a full scrypt computation).
 */
const WINDOW_MS = 15 * 60_000;
const LIMIT = 10;

const holder = globalThis as unknown as { __candleLoginFailures?: Map<string, number[]> };
const failures: Map<string, number[]> = (holder.__candleLoginFailures ??= new Map());

function recent(key: string, now: number): number[] {
  const list = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length) failures.set(key, list);
  else failures.delete(key);
  return list;
}

export function checkLoginAllowed(username: string, now = Date.now()): void {
  const list = recent(username.toLowerCase(), now);
  if (list.length >= LIMIT) {
    const retryAfter = Math.ceil((list[0] + WINDOW_MS - now) / 1000);
    throw new ApiError(
      429,
      'TOO_MANY_ATTEMPTS',
      `Too many failed sign-ins for this user: try again in ${Math.ceil(retryAfter / 60)} min.`,
      { retryAfterSeconds: retryAfter },
      { 'Retry-After': String(retryAfter) },
    );
  }
}

export function recordLoginFailure(username: string, now = Date.now()): void {
  const key = username.toLowerCase();
  failures.set(key, [...recent(key, now), now]);
}

export function clearLoginFailures(username: string): void {
  failures.delete(username.toLowerCase());
}
