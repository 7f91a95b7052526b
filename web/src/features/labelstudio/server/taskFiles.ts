import 'server-only';
import { ApiError, badRequest } from '@/server/http/apiError';
import { importCsv, isEngineError, type CandleColumns, type ImportOptions } from '@/server/engine';
import type { TimeSeriesObject } from '../lib/labelConfig';
import { columnKeys, separatorOf } from '../lib/taskSeries';

/**
 * File-URL tasks (`<TimeSeries valueType="url">`, a CSV uploaded to Label Studio): the file is
 * fetched from the Label Studio that set the project up (`hostname` + the project owner's
 * `access_token` from /setup, sent as `Authorization: Token …`), within a size limit and a
 * timeout, and parsed by the engine's importer with the config's `timeColumn`, `timeFormat`,
 * channel columns and `sep`. Only URLs on that Label Studio are fetched: task data is input from
 * the network and must not make this server fetch arbitrary addresses.
 */

/** The largest task file fetched (CANDLE_LS_FILE_MAX_BYTES, default 64 MB). */
export const fileMaxBytes = () => Number(process.env.CANDLE_LS_FILE_MAX_BYTES) || 64 * 1024 * 1024;
/** How long one task file may take, connection to last byte (CANDLE_LS_FILE_TIMEOUT_MS, default 30 s). */
export const fileTimeoutMs = () => Number(process.env.CANDLE_LS_FILE_TIMEOUT_MS) || 30_000;
const MAX_REDIRECTS = 3;

export interface LsFileSource {
  hostname: string | null;
  accessToken: string | null;
}

export interface FileSeries {
  candles: CandleColumns;
  /** Candle times as Label Studio's regions express them, when not epoch ms (e.g. epoch seconds). */
  lsTimes: Float64Array | null;
}

/** The absolute URL of a task file on the project's Label Studio, or a coded 400. */
export function resolveTaskUrl(url: string, source: LsFileSource, what: string): URL {
  if (!source.hostname)
    throw badRequest(
      'LS_SETUP_REQUIRED',
      `${what}: the series is a file URL ("${url.slice(0, 120)}"), and no Label Studio address is known for this project: connect the model in Label Studio (it calls /setup with its hostname and a token), then retry.`,
    );
  let base: URL;
  try {
    base = new URL(source.hostname);
  } catch {
    throw badRequest('LS_SETUP_REQUIRED', `${what}: the hostname Label Studio sent to /setup is not a URL.`);
  }
  let target: URL;
  try {
    target = new URL(url, base);
  } catch {
    throw badRequest('LS_TASK_FILE_UNREACHABLE', `${what}: "${url.slice(0, 120)}" is not a URL.`);
  }
  if (target.origin !== base.origin)
    throw badRequest(
      'LS_TASK_FILE_REFUSED',
      `${what}: the file ${target.origin}${target.pathname.slice(0, 80)} is not on the Label Studio that set this project up (${base.origin}); only its files are fetched.`,
    );
  return target;
}

/** The file's bytes: same-origin redirects followed, size and time bounded. */
async function download(target: URL, source: LsFileSource, what: string): Promise<Buffer> {
  const controller = new AbortController();
  const timeoutMs = fileTimeoutMs();
  const maxBytes = fileMaxBytes();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let url = target;
    for (let hop = 0; ; hop++) {
      let response: Response;
      try {
        response = await fetch(url, {
          headers: source.accessToken ? { Authorization: `Token ${source.accessToken}` } : {},
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (error) {
        throw badRequest(
          'LS_TASK_FILE_UNREACHABLE',
          controller.signal.aborted
            ? `${what}: fetching ${url.pathname} from Label Studio took longer than ${timeoutMs / 1000} s.`
            : `${what}: Label Studio at ${url.origin} could not be reached (${(error as Error).message}).`,
        );
      }
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        await response.body?.cancel().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) throw badRequest('LS_TASK_FILE_UNREACHABLE', `${what}: too many redirects.`);
        url = resolveTaskUrl(response.headers.get('location')!, { ...source, hostname: target.origin }, what);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        const hint =
          response.status === 401 || response.status === 403
            ? ' (the access token Label Studio sent to /setup was refused: reconnect the model, or enable legacy API tokens in Label Studio)'
            : '';
        throw badRequest(
          'LS_TASK_FILE_UNREACHABLE',
          `${what}: Label Studio answered ${response.status} for ${url.pathname}${hint}.`,
        );
      }
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge(what, declared, maxBytes);
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      if (response.body) {
        const reader = response.body.getReader();
        for (;;) {
          let part: ReadableStreamReadResult<Uint8Array>;
          try {
            part = await reader.read();
          } catch {
            throw badRequest(
              'LS_TASK_FILE_UNREACHABLE',
              controller.signal.aborted
                ? `${what}: reading ${url.pathname} took longer than ${timeoutMs / 1000} s.`
                : `${what}: the download of ${url.pathname} broke off.`,
            );
          }
          if (part.done) break;
          total += part.value.byteLength;
          if (total > maxBytes) {
            await reader.cancel().catch(() => undefined);
            throw tooLarge(what, total, maxBytes);
          }
          chunks.push(part.value);
        }
      }
      return Buffer.concat(chunks, total);
    }
  } finally {
    clearTimeout(timer);
  }
}

const tooLarge = (what: string, bytes: number, maxBytes: number) =>
  new ApiError(
    413,
    'LS_TASK_FILE_TOO_LARGE',
    `${what}: the file is ${(bytes / 1048576).toFixed(1)} MB or more; the limit is ${(maxBytes / 1048576).toFixed(0)} MB (CANDLE_LS_FILE_MAX_BYTES).`,
  );

/** The engine importer's options for the config's TimeSeries: its columns, separator and time format. */
export function importOptionsFor(object: TimeSeriesObject): ImportOptions {
  const keys = columnKeys(object);
  const namesVolume = object.channels.includes(keys.volume);
  return {
    onInvalidRow: 'fail',
    columns: {
      time: keys.time,
      open: keys.open,
      high: keys.high,
      low: keys.low,
      close: keys.close,
      ...(namesVolume ? { volume: keys.volume } : {}),
    },
    delimiter: separatorOf(object) ?? ',',
    ...(object.timeFormat ? { timeFormat: object.timeFormat } : {}),
  };
}

/** Fetches and parses one file-URL task's CSV. */
export async function loadTaskFile(
  url: string,
  object: TimeSeriesObject,
  source: LsFileSource,
  what: string,
): Promise<FileSeries> {
  const bytes = await download(resolveTaskUrl(url, source, what), source, what);
  try {
    const result = await importCsv(bytes, importOptionsFor(object));
    const candles = result.series[0].candles;
    // Label Studio uses a numeric time column without timeFormat as it is: seconds stay seconds.
    const seconds = !object.timeFormat && result.detected.timeFormat === 'epoch-s';
    return { candles, lsTimes: seconds ? candles.time.map((t) => t / 1000) : null };
  } catch (error) {
    if (isEngineError(error) && (error.code === 'IMPORT_FAILED' || error.code === 'INVALID_ARGUMENT'))
      throw badRequest('LS_TASK_FILE_INVALID', `${what}: ${error.message}`);
    throw error;
  }
}

/** Checks the config's separator and time format with the engine (a bad pattern is refused at /setup). */
export async function checkImportOptions(object: TimeSeriesObject): Promise<string | null> {
  const options = importOptionsFor(object);
  const c = options.columns!;
  const header = [c.time, c.open, c.high, c.low, c.close].join(options.delimiter);
  try {
    await importCsv(Buffer.from(`${header}\n`), options);
  } catch (error) {
    if (isEngineError(error) && error.code === 'INVALID_ARGUMENT') return error.message;
  }
  return null;
}
