import { describe, expect, it } from 'vitest';
import { countByKind, findDisagreements, uncertainCandles, visiblePredictions, type PredSpan } from './predictionLogic';

const p = (label: string, startTime: number, endTime: number, confidence: number): PredSpan => ({
  id: `${label}${startTime}`,
  start: startTime,
  end: endTime,
  startTime,
  endTime,
  label,
  confidence,
});

describe('visiblePredictions', () => {
  const preds = [p('doji', 1, 1, 0.4), p('engulfing', 5, 6, 0.9), p('hammer', 10, 10, 0.7)];
  it('hides predictions below the threshold', () => {
    expect(visiblePredictions(preds, { minConfidence: 0.5, labels: null }).map((x) => x.label)).toEqual([
      'engulfing',
      'hammer',
    ]);
    expect(visiblePredictions(preds, { minConfidence: 0, labels: null })).toHaveLength(3);
    expect(visiblePredictions(preds, { minConfidence: 0.9, labels: null }).map((x) => x.label)).toEqual(['engulfing']);
  });
  it('filters by label', () => {
    expect(visiblePredictions(preds, { minConfidence: 0, labels: new Set(['hammer']) }).map((x) => x.label)).toEqual([
      'hammer',
    ]);
  });
  it('hides predictions answered by feedback (same label, overlapping), negatives included', () => {
    const answered = [
      { id: 'a', start: 6, end: 8, label: 'Engulfing', kind: 'positive' as const },
      { id: 'b', start: 10, end: 10, label: 'hammer', kind: 'negative' as const },
      { id: 'c', start: 1, end: 1, label: 'hammer', kind: 'negative' as const },
    ];
    expect(visiblePredictions(preds, { minConfidence: 0, labels: null, answered }).map((x) => x.label)).toEqual([
      'doji',
    ]);
  });
});

describe('uncertainCandles', () => {
  const perCandle = { entropy: [null, 0.1, 0.9, 0.85, 0.2, 0.8, null], margin: [null, 0.9, 0.05, 0.1, 0.7, 0.2, null] };
  it('orders by entropy (highest first) or margin (smallest first), skipping nulls', () => {
    expect(uncertainCandles(perCandle, 'entropy', 0)).toEqual([2, 3, 5, 4, 1]);
    expect(uncertainCandles(perCandle, 'margin', 0)).toEqual([2, 3, 5, 4, 1]);
  });
  it('diversity skips candidates within K candles of one already taken', () => {
    expect(uncertainCandles(perCandle, 'entropy', 1)).toEqual([2, 5]);
    expect(uncertainCandles(perCandle, 'entropy', 2)).toEqual([2, 5]);
    expect(uncertainCandles(perCandle, 'entropy', 3)).toEqual([2]);
    expect(uncertainCandles(perCandle, 'entropy', 0, 2)).toEqual([2, 3]);
  });
});

describe('findDisagreements', () => {
  it('finds label mismatches, spans the model missed and confident unlabelled predictions', () => {
    const preds = [
      p('doji', 10, 10, 0.95),
      p('engulfing', 20, 21, 0.6),
      p('hammer', 30, 30, 0.5),
      p('harami', 40, 41, 0.9),
    ];
    const humans = [
      { id: 'h1', start: 20, end: 21, label: 'hammer', kind: 'positive' as const },
      { id: 'h2', start: 30, end: 30, label: 'hammer', kind: 'positive' as const },
      { id: 'h3', start: 50, end: 52, label: 'bull flag', kind: 'positive' as const },
      { id: 'n1', start: 40, end: 40, label: 'harami', kind: 'negative' as const },
    ];
    const d = findDisagreements(preds, humans, 0.8);
    expect(d.map((x) => [x.kind, x.start])).toEqual([
      ['unlabelled-confident', 10],
      ['label-mismatch', 20],
      ['missed-by-model', 50],
    ]);
    expect(d[1]).toMatchObject({ humanLabel: 'hammer', modelLabel: 'engulfing', spanId: 'h1' });
    expect(countByKind(d)).toEqual({ 'label-mismatch': 1, 'missed-by-model': 1, 'unlabelled-confident': 1 });
  });
});
