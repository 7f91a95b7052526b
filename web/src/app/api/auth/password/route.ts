import { getDb } from '@/server/db/database';
import { readJson, route, reply } from '@/server/http/handler';
import { changeOwnPassword } from '@/server/auth/accounts';
import { passwordChangeSchema, userResponse } from '@/features/auth/server';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Changes the signed-in user's password: `{ currentPassword, newPassword }` (12–256 characters,
 * not the user name). Allowed while a one-time password is pending; the user's other sessions end.
 */
export const POST = route(
  { access: 'viewer', allowPendingPasswordChange: true },
  async (request, _context, principal) => {
    const { currentPassword, newPassword } = await readJson(request, passwordChangeSchema, 16 * 1024);
    return reply(userResponse, { user: await changeOwnPassword(getDb(), principal, currentPassword, newPassword) });
  },
);
