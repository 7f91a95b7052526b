import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, getDb } from '@/server/db/database';

export const SAMPLES_DIR = path.resolve(__dirname, '../../../data/samples');

/**
 * A fresh SQLite file in a temp dir for one test file: sets CANDLE_DB_PATH (read by getDb at
 * call time). Demo seeding is off unless `demo` is true.
 */
export function useTempDatabase(options: { demo?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-routes-'));
  const file = path.join(dir, 'test.db');
  process.env.CANDLE_DB_PATH = file;
  process.env.CANDLE_DEMO_DATA = options.demo ? '1' : '0';
  process.env.CANDLE_SAMPLES_DIR = SAMPLES_DIR;
  return {
    dir,
    file,
    db: () => getDb(),
    /** Closes the connection (the next request reopens the file, like a restarted server). */
    reopen: () => closeDb(),
    cleanup: () => {
      closeDb();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

export interface CallOptions {
  body?: unknown;
  raw?: BodyInit | Uint8Array;
  headers?: Record<string, string>;
  params?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** Calls a route handler the way Next does: a Request and a context with async params. */
export async function call<T = any>(handler: Handler, method: string, url: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body = options.raw as BodyInit | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const request = new Request(new URL(url, 'http://localhost'), init);
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

export function sampleBytes(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(SAMPLES_DIR, file)));
}

export { syntheticCsv } from './syntheticCsv';
