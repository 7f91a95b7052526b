import { z } from 'zod';
import { ROLES } from '@/server/auth/roles';
import type { SessionInfo, TokenSummary, UserSummary } from './types';

/** Response schemas (zod): what the auth routes answer (reply), documented in docs/openapi.json. */

export const userSchema = z
  .object({
    id: z.int(),
    username: z.string(),
    role: z.enum(ROLES),
    mustChangePassword: z
      .boolean()
      .describe(
        'a one-time password is pending: only /api/auth/password and /api/auth/session answer until it is changed',
      ),
    disabled: z.boolean(),
    createdAt: z.int(),
    updatedAt: z.int(),
    lastLoginAt: z.int().nullable(),
  })
  .meta({ id: 'User' }) satisfies z.ZodType<UserSummary>;

export const apiTokenSchema = z
  .object({
    id: z.int(),
    userId: z.int(),
    username: z.string(),
    name: z.string(),
    prefix: z.string().describe("the token's first characters"),
    createdAt: z.int(),
    expiresAt: z.int().nullable(),
    lastUsedAt: z.int().nullable(),
    revokedAt: z.int().nullable(),
  })
  .meta({
    id: 'ApiToken',
    description: 'A token as listed: never the token itself.',
  }) satisfies z.ZodType<TokenSummary>;

export const sessionInfoSchema = z
  .object({
    authRequired: z.boolean().describe('false in the single-user mode'),
    user: z
      .object({
        id: z.int().nullable().describe('null for a service credential'),
        username: z.string(),
        role: z.enum(ROLES),
        mustChangePassword: z.boolean(),
      })
      .nullable()
      .describe('null when nobody is signed in'),
  })
  .meta({ id: 'SessionInfo' }) satisfies z.ZodType<SessionInfo>;

export const userResponse = z.object({ user: userSchema });

/** A new user, or a changed one whose password was reset. */
export const userWithPasswordResponse = z.object({
  user: userSchema,
  oneTimePassword: z.string().optional().describe('shown this once; the user must change it at sign-in'),
});

export const userListResponse = z.object({ users: z.array(userSchema) });

export const signedOutResponse = z.object({ signedOut: z.literal(true) });

export const tokenListResponse = z.object({ tokens: z.array(apiTokenSchema) });

export const tokenResponse = z.object({ token: apiTokenSchema });

export const tokenCreatedResponse = z.object({
  token: z.string().regex(/^cat_/).describe('shown this once'),
  info: apiTokenSchema,
});
