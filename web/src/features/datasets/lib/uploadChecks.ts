/**
 * Upload limit for CSV files (the body is refused before parsing beyond this). 1 GiB, because the
 * data users have is that large: ten million 1-minute candles (about 19 years of a 24-hour
 * market) are a 573 MB CSV (`bench/scale`). Large uploads run one at a time
 * (`server/uploadGate.ts`), so the limit bounds the memory of one import, not of many.
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export function maxUploadBytes(): number {
  const fromEnv = Number(process.env.CANDLE_MAX_UPLOAD_BYTES);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_UPLOAD_BYTES;
}

export type UploadProblem = { code: 'EMPTY_FILE' | 'NOT_TEXT'; message: string };

/** The first bytes of a file the binary-file check looks at. */
export const UPLOAD_HEAD_BYTES = 64 * 1024;

/** Whether every byte is a space, tab or line end (true for no bytes). */
export function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09);
}

/**
 * Cheap checks before the engine sees a file: empty files and binary files (NUL bytes or many
 * control characters in the first 64 KiB) get a clear message instead of a parser error.
 */
export function checkUploadBytes(bytes: Uint8Array): UploadProblem | null {
  return checkUploadHead(bytes.subarray(0, UPLOAD_HEAD_BYTES), isBlank(bytes));
}

/** `checkUploadBytes` for a file read in chunks: its first UPLOAD_HEAD_BYTES, and whether it is all blank. */
export function checkUploadHead(head: Uint8Array, blank: boolean): UploadProblem | null {
  if (blank) {
    return { code: 'EMPTY_FILE', message: 'The file is empty: a CSV with a header row and OHLCV rows is expected.' };
  }
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
