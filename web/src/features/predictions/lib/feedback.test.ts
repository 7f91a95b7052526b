import { describe, expect, it } from 'vitest';
import { feedbackSpan } from './feedback';
import type { PredSpan } from './predictionLogic';

const pred: PredSpan = {
  id: 'p',
  start: 3,
  end: 5,
  startTime: 1000,
  endTime: 3000,
  label: 'hammer',
  confidence: 0.874,
};

describe('feedbackSpan', () => {
  it('confirm stores the prediction as a confirmed positive span of the app label', () => {
    expect(feedbackSpan('confirm', pred, 7, 'v3')).toEqual({
      draft: { labelId: 7, start: 1000, end: 3000, note: 'model v3, confidence 87%', source: 'model-confirmed' },
      description: 'Confirm hammer prediction',
    });
  });
  it('correct stores a corrected span to fix', () => {
    const { draft, description } = feedbackSpan('correct', pred, 7, 'v3');
    expect(draft).toMatchObject({ source: 'model-corrected' });
    expect(draft.kind).toBeUndefined();
    expect(description).toBe('Correct hammer prediction');
  });
  it('dismiss stores a negative example', () => {
    expect(feedbackSpan('dismiss', pred, 7, 'v3').draft).toMatchObject({
      kind: 'negative',
      source: 'model-corrected',
      start: 1000,
      end: 3000,
    });
  });
});
