import { describe, expect, it } from 'vitest';
import { parseDateUtc, resolveTimeValue } from './timeValues';

const day = (iso: string) => Date.parse(iso + 'T00:00:00Z');
const times = [day('2024-01-01'), day('2024-01-02'), day('2024-01-03')];

describe('parseDateUtc', () => {
  it('reads ISO dates as UTC, with or without a zone', () => {
    expect(parseDateUtc('2024-01-02')).toBe(day('2024-01-02'));
    expect(parseDateUtc('2024-01-02T10:30:00Z')).toBe(Date.UTC(2024, 0, 2, 10, 30));
    expect(parseDateUtc('2024-01-02 10:30')).toBe(Date.UTC(2024, 0, 2, 10, 30));
    expect(parseDateUtc('2024-01-02T10:30:00+02:00')).toBe(Date.UTC(2024, 0, 2, 8, 30));
    expect(parseDateUtc('2024-01-02T10:30:00.250Z')).toBe(Date.UTC(2024, 0, 2, 10, 30, 0, 250));
  });
  it('reads US m/d/Y', () => {
    expect(parseDateUtc('1/4/1999')).toBe(day('1999-01-04'));
  });
  it('rejects garbage', () => {
    expect(parseDateUtc('yesterday')).toBeNull();
  });
});

describe('resolveTimeValue', () => {
  it('auto: epoch ms, epoch seconds, index, date string', () => {
    expect(resolveTimeValue(times[1], times)).toEqual({ time: times[1] });
    expect(resolveTimeValue(times[1] / 1000, times)).toEqual({ time: times[1] });
    expect(resolveTimeValue(2, times)).toEqual({ time: times[2] });
    expect(resolveTimeValue('2', times)).toEqual({ time: times[2] });
    expect(resolveTimeValue('2024-01-03', times)).toEqual({ time: times[2] });
  });
  it('explicit units', () => {
    expect(resolveTimeValue(5, times, 'ms')).toEqual({ time: 5 });
    expect(resolveTimeValue(5, times, 's')).toEqual({ time: 5000 });
    expect(resolveTimeValue(0, times, 'index')).toEqual({ time: times[0] });
  });
  it('errors name the problem', () => {
    expect(resolveTimeValue(7, times)).toEqual({ error: expect.stringMatching(/outside the dataset/) });
    expect(resolveTimeValue('soon', times)).toEqual({ error: expect.stringMatching(/not a date/) });
  });
});
