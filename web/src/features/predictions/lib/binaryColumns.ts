/**
 * The binary form of `POST /api/predict`: `Content-Type: application/octet-stream`, the body six
 * little-endian IEEE-754 Float64 columns back to back — time, open, high, low, close, volume —
 * each `n` values long (so the body is `48 × n` bytes; NaN marks a missing value). The columns
 * are read as views of the body, not parsed or copied (a body that is not 8-byte aligned in
 * memory is copied once). Options travel in the query string (`predictQueryOptions`).
 */

export const BINARY_COLUMNS_TYPE = 'application/octet-stream';
/** The body types `POST /api/predict` accepts (the auth guard's body-type check refuses others with 415). */
export const PREDICT_BODY_TYPES: readonly string[] = ['application/json', BINARY_COLUMNS_TYPE];
export const COLUMN_ORDER = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type ColumnName = (typeof COLUMN_ORDER)[number];
export type Float64Columns = Record<ColumnName, Float64Array>;

const BYTES_PER_CANDLE = COLUMN_ORDER.length * Float64Array.BYTES_PER_ELEMENT;

/** Whether a request's Content-Type selects the binary form (parameters such as `; x=y` allowed). */
export function isBinaryColumns(contentType: string | null): boolean {
  if (!contentType) return false;
  return contentType.split(';', 1)[0].trim().toLowerCase() === BINARY_COLUMNS_TYPE;
}

export class BinaryColumnsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BinaryColumnsError';
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * The candle columns of a binary body, at most `maxCandles` of them. Throws `BinaryColumnsError`
 * (which the route reports as 400 INVALID_BODY) when the length is not a whole number of candles.
 */
export function parseBinaryColumns(body: Uint8Array, maxCandles: number): Float64Columns {
  if (body.byteLength === 0 || body.byteLength % BYTES_PER_CANDLE !== 0)
    throw new BinaryColumnsError(
      `A binary body is 6 Float64 columns (time, open, high, low, close, volume) of n candles each: ` +
        `48 × n bytes; got ${body.byteLength} bytes.`,
    );
  const n = body.byteLength / BYTES_PER_CANDLE;
  if (n > maxCandles) throw new BinaryColumnsError(`At most ${maxCandles} candles per request; got ${n}.`);
  let buffer: ArrayBufferLike = body.buffer;
  let offset = body.byteOffset;
  if (offset % Float64Array.BYTES_PER_ELEMENT !== 0 || !LITTLE_ENDIAN_HOST) {
    const copy = new ArrayBuffer(body.byteLength);
    if (LITTLE_ENDIAN_HOST) new Uint8Array(copy).set(body);
    else {
      const from = new DataView(body.buffer, body.byteOffset, body.byteLength);
      const to = new Float64Array(copy);
      for (let i = 0; i < to.length; i++) to[i] = from.getFloat64(i * 8, true);
    }
    buffer = copy;
    offset = 0;
  }
  const columns = {} as Float64Columns;
  COLUMN_ORDER.forEach((name, i) => {
    columns[name] = new Float64Array(buffer, offset + i * n * Float64Array.BYTES_PER_ELEMENT, n);
  });
  return columns;
}

/** The binary body of candle columns (the inverse of `parseBinaryColumns`; for clients and tests). */
export function encodeBinaryColumns(columns: Record<ColumnName, ArrayLike<number>>): Uint8Array {
  const n = columns.time.length;
  const out = new Float64Array(COLUMN_ORDER.length * n);
  COLUMN_ORDER.forEach((name, i) => {
    if (columns[name].length !== n)
      throw new BinaryColumnsError(`Column ${name} has ${columns[name].length} values; time has ${n}.`);
    out.set(columns[name], i * n);
  });
  if (!LITTLE_ENDIAN_HOST) {
    const view = new DataView(out.buffer);
    for (let i = 0; i < out.length; i++) view.setFloat64(i * 8, out[i], true);
  }
  return new Uint8Array(out.buffer);
}
