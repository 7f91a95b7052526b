import { describe, expect, it } from 'vitest';
import type { Annotation } from '@/features/annotations';
import type { Label } from '@/features/labels';
import { isIntraday, spanShapes, stepSpan } from './spans';

const span = (id: string, over: Partial<Annotation> = {}) =>
  ({ id, labelId: 1, start: 10, end: 20, kind: 'positive', source: 'human', direction: null, ...over }) as Annotation;

describe('spanShapes', () => {
  const labels = new Map([[1, { id: 1, name: 'doji', color: '#ff0000' } as Label]]);
  it('draws positive spans in their label colour, TA-Lib ones on their layer', () => {
    const shapes = spanShapes([span('a'), span('b', { source: 'talib' }), span('n', { kind: 'negative' })], labels);
    expect(shapes.map((s) => [s.id, s.layer, s.color, s.label])).toEqual([
      ['a', 'human', '#ff0000', 'doji'],
      ['b', 'talib', '#ff0000', 'doji'],
    ]);
  });
  it('draws a span whose label is gone in grey', () => {
    expect(spanShapes([span('a', { labelId: 9 })], labels)[0]).toMatchObject({ color: '#64748b', label: '?' });
  });
});

describe('stepSpan', () => {
  const list = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  it('moves from the selected span and stays at the ends', () => {
    expect(stepSpan(list, 'b', 1)).toBe('c');
    expect(stepSpan(list, 'c', 1)).toBe('c');
    expect(stepSpan(list, 'a', -1)).toBe('a');
  });
  it('starts at the first (forward) or last (back) span without a selection', () => {
    expect(stepSpan(list, null, 1)).toBe('a');
    expect(stepSpan(list, 'gone', -1)).toBe('c');
    expect(stepSpan([], null, 1)).toBeNull();
  });
});

describe('isIntraday', () => {
  it('is true for timeframes under a day', () => {
    expect(['5m', '1h', '15min', '4H', '30s'].map(isIntraday)).toEqual([true, true, true, true, true]);
    expect(['1d', '1w', null].map(isIntraday)).toEqual([false, false, false]);
  });
});
