import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@/server/http/apiError';
import { servicePrincipal, type CredentialCheck } from '@/server/auth/guard';

/** The header Label Studio's webhook sends the shared secret in (*Webhooks → edit → Headers*). */
export const WEBHOOK_SECRET_HEADER = 'X-Candle-Webhook-Secret';

/** The configured secret: CANDLE_LS_WEBHOOK_SECRET (unset or empty: no secret required). */
export const webhookSecret = () => process.env.CANDLE_LS_WEBHOOK_SECRET?.trim() || null;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The password of an HTTP Basic `Authorization` header, if it has one. */
function basicPassword(header: string | null): string | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

/**
 * When a secret is configured, a webhook must carry it (compared in constant time): in
 * X-Candle-Webhook-Secret — what the webhook Label Studio created for the backend sends once the
 * header is added to it — or as the password of HTTP Basic auth — what Label Studio's ML
 * connection sends (it posts START_TRAINING to /webhook itself, without the webhook's headers)
 * when the model is connected with Basic auth. Without it, or with another value, the request
 * is a 401 and nothing is read.
 */
export function checkWebhookSecret(request: Request, secret: string | null = webhookSecret()): void {
  if (!secret) return;
  const given = request.headers.get(WEBHOOK_SECRET_HEADER) ?? basicPassword(request.headers.get('authorization'));
  if (given === null)
    throw new ApiError(
      401,
      'LS_WEBHOOK_UNAUTHORIZED',
      `This webhook requires the shared secret (CANDLE_LS_WEBHOOK_SECRET is set): add the ${WEBHOOK_SECRET_HEADER} header to the webhook in Label Studio, and connect the model with Basic auth whose password is the secret.`,
    );
  if (!timingSafeEqual(digest(given.trim()), digest(secret)))
    throw new ApiError(
      401,
      'LS_WEBHOOK_UNAUTHORIZED',
      `The ${WEBHOOK_SECRET_HEADER} header does not match the configured secret.`,
    );
}

/**
 * The shared secret as a credential of the auth guard (`alsoAccept`, docs/security.md), on the
 * routes Label Studio calls: a request that carries the configured secret (header, or the Basic
 * password of the model connection) acts as the service user `label-studio` with the annotator
 * role; a wrong one is 401 LS_WEBHOOK_UNAUTHORIZED. Without a configured secret, or when the
 * request carries neither, this credential does not apply (API tokens still do).
 */
export const labelStudioSecret: CredentialCheck = (request) => {
  const secret = webhookSecret();
  if (!secret) return undefined;
  if (
    request.headers.get(WEBHOOK_SECRET_HEADER) === null &&
    basicPassword(request.headers.get('authorization')) === null
  )
    return undefined;
  try {
    checkWebhookSecret(request, secret);
  } catch (error) {
    // Label Studio keeps no record of a refused call: say so here.
    console.warn(`[api/ls] refused ${new URL(request.url).pathname}: ${(error as Error).message}`);
    throw error;
  }
  return servicePrincipal('label-studio', 'annotator');
};

/** What a route Label Studio calls needs: the role, or the shared secret. */
export const labelStudioAccess = (access: 'viewer' | 'annotator') => ({ access, alsoAccept: [labelStudioSecret] });
