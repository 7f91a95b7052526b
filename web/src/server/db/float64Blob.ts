/**
 * Float64 columns stored as BLOBs (candle blocks, candle level blocks): the little-endian bytes of
 * the values, as Node and x86/ARM lay them out, so writing is a view and reading usually is too.
 */

/** The bytes of a Float64Array, without a copy (SQLite copies them into the page). */
export function asBlob(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** A BLOB as Float64 values: a view when the Buffer is 8-byte aligned, else a copy. */
export function asFloat64(blob: Buffer): Float64Array {
  if (blob.byteOffset % 8 === 0) return new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / 8);
  return new Float64Array(new Uint8Array(blob).buffer);
}
