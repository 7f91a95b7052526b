import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../tests/support/seededRandom';
import { IntervalIndex } from './intervalIndex';

type Span = { start: number; end: number; name: string };
const index = (spans: Span[]) =>
  new IntervalIndex(
    spans,
    (s) => s.start,
    (s) => s.end,
  );
const overlaps = (s: Span, from: number, to: number) => s.start <= to && s.end >= from;

describe('IntervalIndex', () => {
  const spans: Span[] = [
    { start: 10, end: 20, name: 'a' },
    { start: 0, end: 5, name: 'b' },
    { start: 30, end: 30, name: 'c' },
    { start: 12, end: 100, name: 'd' },
  ];

  it('counts touching ends as overlapping (closed intervals)', () => {
    expect(index(spans).anyOverlapping(20, 25)).toBe(true);
    expect(
      index(spans)
        .overlapping(5, 9)
        .map((s) => s.name),
    ).toEqual(['b']);
    expect(
      index(spans)
        .overlapping(30, 30)
        .map((s) => s.name),
    ).toEqual(['c', 'd']);
  });

  it('finds nothing in a gap, before the first or after the last interval', () => {
    const only = index(spans.slice(0, 3));
    expect(only.anyOverlapping(6, 9)).toBe(false);
    expect(only.overlapping(21, 29)).toEqual([]);
    expect(only.anyOverlapping(-10, -1)).toBe(false);
    expect(only.anyOverlapping(31, 40)).toBe(false);
  });

  it('returns the overlapping intervals in the order they were given, not by start', () => {
    expect(
      index(spans)
        .overlapping(0, 15)
        .map((s) => s.name),
    ).toEqual(['a', 'b', 'd']);
  });

  it('answers like comparing with every interval, on random spans of mixed lengths', () => {
    const next = seededRandom(7);
    const many: Span[] = Array.from({ length: 400 }, (_, i) => {
      const start = Math.floor(next() * 10_000);
      const length = next() < 0.05 ? Math.floor(next() * 2_000) : Math.floor(next() * 30);
      return { start, end: start + length, name: String(i) };
    });
    const idx = index(many);
    for (let q = 0; q < 500; q++) {
      const from = Math.floor(next() * 10_500) - 250;
      const to = from + Math.floor(next() * 200);
      const expected = many.filter((s) => overlaps(s, from, to));
      expect(idx.overlapping(from, to)).toEqual(expected);
      expect(idx.anyOverlapping(from, to)).toBe(expected.length > 0);
    }
  });

  it('handles no intervals', () => {
    expect(index([]).anyOverlapping(0, 10)).toBe(false);
    expect(index([]).overlapping(0, 10)).toEqual([]);
  });
});
