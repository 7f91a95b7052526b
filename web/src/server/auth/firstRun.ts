import 'server-only';
import type { Db } from '@/server/db/database';
import { authConfig, type Env } from './config';
import { generatePassword } from './passwords';
import { countUsers, createUser, findUserForLogin, updateUser } from './userRepository';

type Log = (line: string) => void;

/**
 * At server start: makes sure someone can sign in.
 * - No user yet: creates the admin `CANDLE_ADMIN_USER` (default `admin`) with
 *   `CANDLE_ADMIN_PASSWORD`, or else with a printed one-time password to change at first sign-in.
 * - That admin has never signed in and still holds a one-time password: a new one is printed
 *   (the last one may have scrolled away).
 * - `CANDLE_RESET_ADMIN=1`: the admin is re-enabled, made admin, and given a new password
 *   (`CANDLE_ADMIN_PASSWORD` or a printed one-time one): the way back in for a locked-out operator.
 * Nothing happens in the single-user mode.
 */
export async function ensureAdmin(db: Db, env: Env = process.env, log: Log = console.log): Promise<void> {
  const config = authConfig(env);
  if (!config.required) {
    log(`[auth] single-user mode: no sign-in (listening on ${config.bindHost} only)`);
    return;
  }
  if (config.refusal) console.error(`[auth] ${config.refusal}; sign-in stays required.`);
  const username = env.CANDLE_ADMIN_USER?.trim() || 'admin';
  const given = env.CANDLE_ADMIN_PASSWORD || undefined;
  const existing = findUserForLogin(db, username);

  if (countUsers(db) === 0 || (env.CANDLE_RESET_ADMIN === '1' && !existing)) {
    const password = given ?? generatePassword();
    await createUser(db, { username, role: 'admin', password, mustChangePassword: !given });
    if (given) log(`[auth] created the admin '${username}' with the password from CANDLE_ADMIN_PASSWORD`);
    else printOneTimePassword(log, username, password, 'First admin created, with a one-time password:');
    return;
  }
  if (existing && env.CANDLE_RESET_ADMIN === '1') {
    const password = given ?? generatePassword();
    await updateUser(db, existing.id, {
      role: 'admin',
      disabled: false,
      password,
      mustChangePassword: !given,
    });
    if (given) log(`[auth] reset the admin '${existing.username}' to the password from CANDLE_ADMIN_PASSWORD`);
    else printOneTimePassword(log, existing.username, password, 'Admin reset, with a one-time password:');
    return;
  }
  if (existing && existing.role === 'admin' && existing.mustChangePassword && existing.lastLoginAt === null && !given) {
    const password = generatePassword();
    await updateUser(db, existing.id, { password, mustChangePassword: true });
    printOneTimePassword(log, existing.username, password, 'The admin has not signed in yet; a new one-time password:');
  }
}

function printOneTimePassword(log: Log, username: string, password: string, headline: string): void {
  log('');
  log('  ┌─ Candle Annotator ──────────────────────────────────────────────');
  log(`  │ ${headline}`);
  log(`  │   user:     ${username}`);
  log(`  │   password: ${password}`);
  log('  │ Sign in with it; you will be asked to choose your own password.');
  log('  └─────────────────────────────────────────────────────────────────');
  log('');
}
