import { describe, expect, it } from 'vitest';
import { BinaryColumnsError, encodeBinaryColumns, isBinaryColumns, parseBinaryColumns } from './binaryColumns';

const columns = {
  time: [1, 2, 3],
  open: [10, 11, 12],
  high: [12, 13, 14],
  low: [9, 10, 11],
  close: [11, 12, Number.NaN],
  volume: [100, 200, 300],
};

describe('binary Float64 columns', () => {
  it('round-trips six columns, NaN included, as views of the body (no copy when aligned)', () => {
    const bytes = encodeBinaryColumns(columns);
    expect(bytes.byteLength).toBe(48 * 3);
    // Little-endian on the wire: 1.0 is 00 … f0 3f.
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    const parsed = parseBinaryColumns(bytes, 10);
    for (const [name, values] of Object.entries(columns))
      expect(Array.from(parsed[name as keyof typeof columns])).toEqual(values);
    expect(parsed.open.buffer).toBe(bytes.buffer);
  });

  it('copies a body that is not 8-byte aligned', () => {
    const bytes = encodeBinaryColumns(columns);
    const shifted = new Uint8Array(bytes.byteLength + 1).subarray(1);
    shifted.set(bytes);
    const parsed = parseBinaryColumns(shifted, 10);
    expect(Array.from(parsed.volume)).toEqual(columns.volume);
    expect(parsed.volume.buffer).not.toBe(shifted.buffer);
  });

  it('refuses partial candles, empty bodies and more candles than allowed', () => {
    expect(() => parseBinaryColumns(new Uint8Array(0), 10)).toThrow(BinaryColumnsError);
    expect(() => parseBinaryColumns(new Uint8Array(50), 10)).toThrow(/48 × n bytes; got 50 bytes/);
    expect(() => parseBinaryColumns(encodeBinaryColumns(columns), 2)).toThrow(/At most 2 candles/);
    expect(() => encodeBinaryColumns({ ...columns, open: [1] })).toThrow(/open has 1 values/);
  });

  it('is selected by the media type alone, parameters and case aside', () => {
    expect(isBinaryColumns('application/octet-stream')).toBe(true);
    expect(isBinaryColumns('Application/Octet-Stream; charset=binary')).toBe(true);
    expect(isBinaryColumns('application/json')).toBe(false);
    expect(isBinaryColumns(null)).toBe(false);
  });
});
