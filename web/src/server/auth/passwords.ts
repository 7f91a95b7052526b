import 'server-only';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ApiError } from '@/server/http/apiError';

// scrypt from Node's own crypto (OpenSSL): no native add-on to install or trust. Cost as OWASP's
// password storage cheat sheet recommends (N = 2^15, r = 8, p = 3: 32 MiB per pass, three
// passes), ≈ 0.1–0.25 s per hash on this machine — affordable on a sign-in, expensive for an
// offline guesser. Stored as `$scrypt$ln=15,r=8,p=3$<salt>$<key>` (base64), so the cost can be
// raised later without invalidating existing hashes.
const COST = { ln: 15, r: 8, p: 3 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

function derive(password: string, salt: Buffer, cost: typeof COST, keyBytes: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: 2 * 128 * cost.r * 2 ** cost.ln };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST, KEY_BYTES);
  return `$scrypt$ln=${COST.ln},r=${COST.r},p=${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m) return false; // a malformed stored hash verifies nothing
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.ln < 10 || cost.ln > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return false;
  const expected = Buffer.from(m[5], 'base64');
  if (expected.length < 16) return false;
  try {
    const key = await derive(password, Buffer.from(m[4], 'base64'), cost, expected.length);
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spends the time of one verification, so an unknown user name answers as slowly as a wrong password. */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword('not a password of anyone');
  await verifyPassword(await dummy, password);
  return false;
}

/** 400 WEAK_PASSWORD unless the password is 12–256 characters and not the user name. */
export function checkPasswordPolicy(password: string, username: string): void {
  if (password.length < PASSWORD_MIN)
    throw new ApiError(400, 'WEAK_PASSWORD', `A password needs at least ${PASSWORD_MIN} characters.`);
  if (password.length > PASSWORD_MAX)
    throw new ApiError(400, 'WEAK_PASSWORD', `A password may have at most ${PASSWORD_MAX} characters.`);
  if (password.trim().toLowerCase() === username.trim().toLowerCase())
    throw new ApiError(400, 'WEAK_PASSWORD', 'The password must not be the user name.');
}

/** A random one-time password: 20 characters from 55 without look-alikes (≈ 115 bits). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  // Bytes at or above the largest multiple of the alphabet's size would bias the choice: skipped.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length)
    for (const b of randomBytes(length)) if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
  return out;
}
