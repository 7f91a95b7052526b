/**
 * Every credential the Label Studio interop test uses, in one place:
 * - `labelStudioUser`: the Label Studio admin created at start (scripts/labelstudio.sh) and the API
 *   token the test drives Label Studio's REST API with;
 * - `appEnv`: the app's settings that concern Label Studio (the webhook's shared secret);
 * - `mlBackendAuth`: how Label Studio's ML backend connection authenticates to the app
 *   (`auth_method` + Basic user/password, Label Studio's own fields on POST /api/ml);
 * - `webhookHeaders`: the headers added to the webhook Label Studio creates for the backend.
 * The app requires sign-in (docs/security.md): on the routes Label Studio calls it accepts an
 * annotator's API token or this shared secret, so the secret as Basic password and header is
 * Label Studio's credential here; the test's own calls to the app use an admin token
 * (`startServer(…).fetch`).
 */
export const labelStudioUser = {
  email: 'annotator@example.com',
  password: 'ls-interop-password-1',
  token: 'ls-interop-token-0123456789',
};

export const WEBHOOK_SECRET = 'ls-interop-webhook-secret';

export const appEnv: Record<string, string> = {
  CANDLE_LS_WEBHOOK_SECRET: WEBHOOK_SECRET,
};

/**
 * Basic auth whose password is the webhook secret: Label Studio's ML connection posts
 * START_TRAINING to /webhook itself, with these credentials and without the webhook's headers.
 */
export const mlBackendAuth: {
  auth_method: 'NONE' | 'BASIC_AUTH';
  basic_auth_user?: string;
  basic_auth_pass?: string;
} = {
  auth_method: 'BASIC_AUTH',
  basic_auth_user: 'label-studio',
  basic_auth_pass: WEBHOOK_SECRET,
};

export const webhookHeaders: Record<string, string> = {
  'X-Candle-Webhook-Secret': WEBHOOK_SECRET,
};
