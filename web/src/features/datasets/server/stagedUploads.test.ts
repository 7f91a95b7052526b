import { describe, expect, it } from 'vitest';
import type { ImportResult } from '@/server/engine';
import { StagedUploads, stagedOwner } from './stagedUploads';

/** An import result of `n` candles in one series (only the lengths matter here). */
function parse(n: number, timeframe?: string) {
  const column = () => new Float64Array(n);
  const result = {
    series: [
      {
        candles: { time: column(), open: column(), high: column(), low: column(), close: column(), volume: column() },
      },
    ],
    rejected: [],
    detected: {},
  } as unknown as ImportResult;
  return { result, timeframe };
}

const READING = { dayFirst: true };

describe('StagedUploads', () => {
  it('serves a parse once, to its owner, read the same way', () => {
    const staged = new StagedUploads();
    const p = parse(10, '1m');
    const id = staged.put('1:ann', READING, p)!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(staged.take(id, '2:bob', READING)).toBe('gone');
    expect(staged.take(id, '1:ann', READING)).toBe(p);
    expect(staged.take(id, '1:ann', READING)).toBe('gone');
  });

  it('refuses an import that reads the file otherwise, and drops the parse', () => {
    const staged = new StagedUploads();
    const id = staged.put('1:ann', READING, parse(10))!;
    expect(staged.take(id, '1:ann', { dayFirst: false })).toBe('mismatch');
    expect(staged.take(id, '1:ann', READING)).toBe('gone');
  });

  it('keeps one parse per owner: a new preview replaces the last', () => {
    const staged = new StagedUploads();
    const first = staged.put('1:ann', {}, parse(10))!;
    const second = staged.put('1:ann', {}, parse(20))!;
    staged.put('2:bob', {}, parse(5));
    expect(staged.load).toEqual({ entries: 2, candles: 25 });
    expect(staged.take(first, '1:ann', {})).toBe('gone');
    expect(staged.take(second, '1:ann', {})).not.toBe('gone');
  });

  it('forgets a parse after the time to live', () => {
    let now = 0;
    const staged = new StagedUploads(() => now, 1_000, 60_000);
    const id = staged.put('1:ann', {}, parse(10))!;
    now = 59_999;
    staged.put('2:bob', {}, parse(1));
    now = 60_000;
    expect(staged.take(id, '1:ann', {})).toBe('gone');
    expect(staged.load).toEqual({ entries: 1, candles: 1 });
  });

  it('holds at most the candle cap: the oldest parses go, one alone over it is not kept', () => {
    const staged = new StagedUploads(Date.now, 100);
    const a = staged.put('a', {}, parse(40))!;
    const b = staged.put('b', {}, parse(40))!;
    const c = staged.put('c', {}, parse(40))!;
    expect(staged.load).toEqual({ entries: 2, candles: 80 });
    expect(staged.take(a, 'a', {})).toBe('gone');
    expect(staged.put('d', {}, parse(101))).toBeNull();
    expect(staged.take(b, 'b', {})).not.toBe('gone');
    expect(staged.take(c, 'c', {})).not.toBe('gone');
  });

  it('names the owner by user id (or how it signed in) and name', () => {
    const base = { role: 'annotator' as const, mustChangePassword: false };
    expect(stagedOwner({ ...base, userId: 3, username: 'ann', via: 'session' })).toBe('3:ann');
    expect(stagedOwner({ ...base, userId: null, username: 'local', via: 'local' })).toBe('local:local');
  });
});
