/** Upload limit for CSV files (the body is refused before parsing beyond this). */
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export function maxUploadBytes(): number {
  const fromEnv = Number(process.env.CANDLE_MAX_UPLOAD_BYTES);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_UPLOAD_BYTES;
}

export type UploadProblem = { code: 'EMPTY_FILE' | 'NOT_TEXT'; message: string };

/**
 * Cheap checks before the engine sees a file: empty files and binary files (NUL bytes or many
 * control characters in the first 64 KiB) get a clear message instead of a parser error.
 */
export function checkUploadBytes(bytes: Uint8Array): UploadProblem | null {
  if (bytes.byteLength === 0 || bytes.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09)) {
    return { code: 'EMPTY_FILE', message: 'The file is empty: a CSV with a header row and OHLCV rows is expected.' };
  }
  const head = bytes.subarray(0, 64 * 1024);
  let control = 0;
  for (const b of head) {
    if (b === 0) {
      return { code: 'NOT_TEXT', message: 'This is a binary file, not a CSV text file (it contains NUL bytes).' };
    }
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  if (control / head.byteLength > 0.05) {
    return { code: 'NOT_TEXT', message: 'This does not look like a CSV text file (too many control characters).' };
  }
  return null;
}
