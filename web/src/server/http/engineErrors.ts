import 'server-only';
import type { EngineErrorCode } from '@/server/engine';
import { ApiError } from './apiError';

/**
 * The ONE map from an engine error code (crates/engine/src/error.rs, typed as `EngineErrorCode` in
 * the addon's index.d.ts) to what the HTTP API answers: its status, the code the client sees and
 * the message it reads. Route handlers (handler.ts), predictions, training and the Label Studio
 * backend all go through `engineApiError`; src/server/http/engineErrors.test.ts checks that every
 * code the engine defines has an entry.
 *
 * `message`: `{ fromEngine: 'verbatim' }` passes the engine's message on (it says what in the
 * caller's input is wrong), `{ fromEngine: 'withoutPaths' }` passes it on with absolute file paths
 * removed, `{ text }` replaces it (server faults: the engine's message is logged, never sent).
 */
interface EngineErrorHttp {
  status: number;
  /** The code in the response body; server faults other than a corrupt model read `INTERNAL`. */
  publicCode: string;
  message: { fromEngine: 'verbatim' | 'withoutPaths' } | { text: string };
}

const badInput = (code: EngineErrorCode): EngineErrorHttp => ({
  status: 400,
  publicCode: code,
  message: { fromEngine: 'verbatim' },
});
const serverFault: EngineErrorHttp = {
  status: 500,
  publicCode: 'INTERNAL',
  message: { text: 'Internal server error. The change was not applied; see the server log.' },
};

export const ENGINE_ERROR_HTTP: Readonly<Record<EngineErrorCode, EngineErrorHttp>> = {
  INVALID_CANDLES: badInput('INVALID_CANDLES'),
  INVALID_CONFIG: badInput('INVALID_CONFIG'),
  INVALID_ARGUMENT: badInput('INVALID_ARGUMENT'),
  IMPORT_FAILED: badInput('IMPORT_FAILED'),
  TOO_FEW_CANDLES: badInput('TOO_FEW_CANDLES'),
  INVALID_ANNOTATIONS: badInput('INVALID_ANNOTATIONS'),
  MODEL_NOT_FOUND: { status: 404, publicCode: 'MODEL_NOT_FOUND', message: { fromEngine: 'withoutPaths' } },
  // A state of the registry the user resolves by training, not a missing resource.
  NO_MODEL: {
    status: 409,
    publicCode: 'NO_MODEL',
    message: { text: 'No model has been trained yet: train one, then predict.' },
  },
  CORRUPT_MODEL: {
    status: 500,
    publicCode: 'CORRUPT_MODEL',
    message: { text: 'The model could not be loaded (its files are corrupt or unreadable); see the server log.' },
  },
  // 499 (client closed request): the caller aborted; nothing was saved.
  CANCELLED: { status: 499, publicCode: 'CANCELLED', message: { text: 'The request was cancelled.' } },
  TRAINING_FAILED: serverFault,
  TRACKING_FAILED: serverFault,
  WORKER_FAILED: serverFault,
  IO_ERROR: serverFault,
  INTERNAL: serverFault,
};

/** Whether `code` is one the engine defines. */
export function isEngineErrorCode(code: unknown): code is EngineErrorCode {
  return typeof code === 'string' && Object.hasOwn(ENGINE_ERROR_HTTP, code);
}

/** The HTTP status an engine error code is answered with; `otherwise` for a code the engine does not define. */
export function engineErrorStatus(code: string, otherwise: number): number {
  return isEngineErrorCode(code) ? ENGINE_ERROR_HTTP[code].status : otherwise;
}

/** Drops absolute file paths from an engine message before it leaves the server. */
function stripPaths(message: string): string {
  return message.replace(/\s*\((?:registry|in|at)\s+\/[^)]*\)/g, '').replace(/\/[\w./-]+/g, '…');
}

/**
 * An error thrown by the engine as the API reports it, or null when `error` carries no engine
 * code. `messages` overrides the client-facing message of some codes (e.g. MODEL_NOT_FOUND: "No
 * model version v3."); status and code always come from the map. Server faults are logged here
 * with their original message.
 */
export function engineApiError(
  error: unknown,
  messages: Partial<Record<EngineErrorCode, string>> = {},
): ApiError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (!isEngineErrorCode(code)) return null;
  const http = ENGINE_ERROR_HTTP[code];
  const original = error instanceof Error ? error.message : String(error);
  if (http.status >= 500) console.error(`[api] engine error ${code}`, error);
  const wording = http.message;
  const text =
    messages[code] ??
    ('text' in wording ? wording.text : wording.fromEngine === 'withoutPaths' ? stripPaths(original) : original);
  return new ApiError(http.status, http.publicCode, text);
}
