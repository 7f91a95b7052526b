import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './apiError';
import { ENGINE_ERROR_HTTP, engineApiError, engineErrorStatus } from './engineErrors';
import { toErrorResponse } from './handler';

const repoFile = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

/** Every code `EngineError::code` returns in the engine crate (its one error enum). */
function engineCodes(): string[] {
  const source = fs.readFileSync(repoFile('crates/engine/src/error.rs'), 'utf8');
  const body = source.slice(source.indexOf('pub fn code('));
  return [...body.slice(0, body.indexOf('\n    }\n')).matchAll(/=> "([A-Z_]+)"/g)].map((m) => m[1]).sort();
}

/** The codes the addon's typings declare (`EngineErrorCode` in index.d.ts). */
function typedCodes(): string[] {
  const dts = fs.readFileSync(repoFile('index.d.ts'), 'utf8');
  const decl = /export type EngineErrorCode =([^;]+);/.exec(dts);
  expect(decl, 'index.d.ts declares EngineErrorCode').not.toBeNull();
  return [...decl![1].matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]).sort();
}

const engineError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('the one engine-error → HTTP map', () => {
  it('has an entry for every code the engine defines, and the typings agree', () => {
    const codes = engineCodes();
    expect(codes.length).toBeGreaterThan(10);
    expect(Object.keys(ENGINE_ERROR_HTTP).sort()).toEqual(codes);
    expect(typedCodes()).toEqual(codes);
  });

  it.each(engineCodes())('%s becomes a coded ApiError with the mapped status', (code) => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const mapped = engineApiError(engineError(code, `engine said (registry /srv/secret/models) ${code}`));
    quiet.mockRestore();
    expect(mapped).toBeInstanceOf(ApiError);
    const { status, publicCode, message } = ENGINE_ERROR_HTTP[code as keyof typeof ENGINE_ERROR_HTTP];
    expect(mapped!.status).toBe(status);
    expect(mapped!.code).toBe(publicCode);
    expect(engineErrorStatus(code, 418)).toBe(status);
    // Only bad-input messages (which describe the caller's own input) pass on verbatim; no other
    // engine message carries a server path out, and a server fault never echoes the engine's text.
    if (!('fromEngine' in message && message.fromEngine === 'verbatim'))
      expect(mapped!.message).not.toMatch(/\/srv\/secret/);
    if (status >= 500) expect(mapped!.message).not.toMatch(/engine said/);
  });

  it('route handlers answer with the same status and code as the map', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const code of engineCodes()) {
      const res = toErrorResponse(engineError(code, 'x'));
      const { status, publicCode } = ENGINE_ERROR_HTTP[code as keyof typeof ENGINE_ERROR_HTTP];
      expect([code, res.status, (await res.json()).error.code]).toEqual([code, status, publicCode]);
    }
    quiet.mockRestore();
  });

  it('pins the statuses clients rely on', () => {
    expect(engineErrorStatus('INVALID_CANDLES', 0)).toBe(400);
    expect(engineErrorStatus('MODEL_NOT_FOUND', 0)).toBe(404);
    expect(engineErrorStatus('NO_MODEL', 0)).toBe(409);
    expect(engineErrorStatus('CANCELLED', 0)).toBe(499);
    expect(engineErrorStatus('CORRUPT_MODEL', 0)).toBe(500);
    expect(engineErrorStatus('NOT_AN_ENGINE_CODE', 400)).toBe(400);
  });

  it('keeps bad-input messages, strips paths from not-found, and lets a caller word a code', () => {
    expect(engineApiError(engineError('TOO_FEW_CANDLES', 'need 50 candles, got 3'))?.message).toBe(
      'need 50 candles, got 3',
    );
    expect(engineApiError(engineError('MODEL_NOT_FOUND', 'no version v9 (registry /a/b/models)'))?.message).toBe(
      'no version v9',
    );
    expect(
      engineApiError(engineError('MODEL_NOT_FOUND', 'x'), { MODEL_NOT_FOUND: 'No model version v9.' })?.message,
    ).toBe('No model version v9.');
    expect(engineApiError(new Error('plain'))).toBeNull();
    expect(engineApiError({ code: 'SQLITE_BUSY' })).toBeNull();
  });
});
