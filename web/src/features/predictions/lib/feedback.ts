import type { NewSpan } from '@/features/annotations';
import type { PredSpan } from './predictionLogic';

/** What a person says about a prediction: it is right, it needs fixing, or it is wrong. */
export type FeedbackAction = 'confirm' | 'correct' | 'dismiss';

/** The span a feedback action stores, and the undo history's description of it. */
export interface FeedbackSpan {
  draft: NewSpan;
  description: string;
}

/**
 * Confirm: a positive span the model found (model-confirmed). Correct: a positive span to fix
 * (model-corrected). Dismiss: a negative example, so the model learns it was wrong.
 */
export function feedbackSpan(action: FeedbackAction, p: PredSpan, labelId: number, modelTag: string): FeedbackSpan {
  const base = {
    labelId,
    start: p.startTime,
    end: p.endTime,
    note: `model ${modelTag}, confidence ${(p.confidence * 100).toFixed(0)}%`,
  };
  switch (action) {
    case 'dismiss':
      return {
        draft: { ...base, kind: 'negative', source: 'model-corrected' },
        description: `Dismiss ${p.label} prediction`,
      };
    case 'confirm':
      return { draft: { ...base, source: 'model-confirmed' }, description: `Confirm ${p.label} prediction` };
    case 'correct':
      return { draft: { ...base, source: 'model-corrected' }, description: `Correct ${p.label} prediction` };
  }
}
