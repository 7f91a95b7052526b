import { describe, expect, it } from 'vitest';
import type { LabelErrorItem } from '../types';
import { itemState, itemsToShow, reviewProgress } from './itemState';

const item = (annotationId: string, over: Partial<LabelErrorItem> = {}): LabelErrorItem => ({
  rank: 1,
  annotationId,
  datasetId: 1,
  start: 0,
  end: 0,
  labelId: 10,
  label: 'doji',
  selfConfidence: 0.1,
  suggestedLabel: 'engulfing',
  suggestedLabelId: 11,
  suggestedProbability: 0.7,
  likelyError: true,
  ...over,
});

describe('label-error item state', () => {
  it('reads relabelled and removed off the current spans, kept off the reviews', () => {
    const spans = new Map([
      ['a', { id: 'a', labelId: 10 }],
      ['b', { id: 'b', labelId: 11 }],
      ['c', { id: 'c', labelId: 10 }],
    ]);
    expect(itemState(item('a'), spans, {})).toBe('open');
    expect(itemState(item('b'), spans, {})).toBe('relabelled');
    expect(itemState(item('c'), spans, { c: 'kept' })).toBe('kept');
    expect(itemState(item('gone'), spans, { gone: 'kept' })).toBe('removed');
  });

  it('an undone relabel reopens the item', () => {
    const relabelled = new Map([['a', { id: 'a', labelId: 11 }]]);
    const undone = new Map([['a', { id: 'a', labelId: 10 }]]);
    expect(itemState(item('a'), relabelled, {})).toBe('relabelled');
    expect(itemState(item('a'), undone, {})).toBe('open');
  });

  it('filters by dataset, likely errors and open state, keeping rank order', () => {
    const run = {
      items: [
        item('a', { rank: 1 }),
        item('b', { rank: 2, likelyError: false }),
        item('c', { rank: 3, datasetId: 2 }),
        item('d', { rank: 4 }),
      ],
      reviews: { d: 'kept' as const },
    };
    const spans = [
      { id: 'a', labelId: 10 },
      { id: 'b', labelId: 10 },
      { id: 'd', labelId: 10 },
    ];
    expect(
      itemsToShow(run, spans, { datasetId: 1, likelyOnly: false, openOnly: false }).map((i) => [
        i.annotationId,
        i.state,
      ]),
    ).toEqual([
      ['a', 'open'],
      ['b', 'open'],
      ['d', 'kept'],
    ]);
    expect(
      itemsToShow(run, spans, { datasetId: 1, likelyOnly: true, openOnly: true }).map((i) => i.annotationId),
    ).toEqual(['a']);
    expect(reviewProgress(run, spans, 1)).toEqual({ done: 1, total: 2 });
  });
});
