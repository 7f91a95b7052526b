import { z } from 'zod';
import { ROLES } from '@/server/auth/roles';

const username = z.string().trim().min(1, 'user name is required').max(64, 'user name is at most 64 characters');
// Length rules are checked (with a clear WEAK_PASSWORD) by the server's password policy.
const password = z.string().min(1, 'password is required').max(1024, 'password is too long');
const role = z.enum(ROLES);

export const loginSchema = z.object({ username, password }).strict();

export const passwordChangeSchema = z.object({ currentPassword: password, newPassword: password }).strict();

export const userCreateSchema = z.object({ username, role }).strict();

export const userPatchSchema = z
  .object({
    role: role.optional(),
    disabled: z.boolean().optional(),
    /** Issues a new one-time password (returned once); the user must change it at sign-in. */
    resetPassword: z.literal(true).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'Nothing to change.' });

export const userIdParams = z.object({ id: z.coerce.number().int().positive() });

export const tokenCreateSchema = z
  .object({
    /** The user the token acts for; the caller by default. */
    userId: z.number().int().positive().optional(),
    name: z.string().trim().min(1, 'name is required').max(80, 'name is at most 80 characters'),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export const tokenListQuery = z.object({ userId: z.coerce.number().int().positive().optional() });

export const tokenIdParams = z.object({ id: z.coerce.number().int().positive() });
