'use client';
import { useMemo } from 'react';
import type { Annotation } from '@/features/annotations';
import type { Label } from '@/features/labels';
import {
  countByKind,
  findDisagreements,
  predictionId,
  visiblePredictions,
  type HumanSpanLike,
  type PredSpan,
} from '../lib/predictionLogic';
import type { Prediction } from '../types';

/** How much a model span must overlap a person's span to count as the same pattern. */
const DISAGREEMENT_OVERLAP = 0.8;

export interface PredictionFilter {
  show: boolean;
  minConfidence: number;
  /** One model label to show, or null for all. */
  label: string | null;
}

/**
 * A prediction as the model tab shows it: every span with its id, those shown under the filter
 * (answered ones hidden), the labels the model used, and where the model and the people disagree.
 */
export function usePredictionView(
  prediction: Prediction | null,
  spans: readonly Annotation[],
  labelsById: ReadonlyMap<number, Label>,
  filter: PredictionFilter,
) {
  const all = useMemo<PredSpan[]>(
    () => (prediction?.spans ?? []).map((s) => ({ ...s, id: predictionId(s) })),
    [prediction],
  );
  const humans = useMemo<HumanSpanLike[]>(
    () =>
      spans
        .filter((s) => s.source !== 'talib')
        .map((s) => ({
          id: s.id,
          start: s.start,
          end: s.end,
          label: labelsById.get(s.labelId)?.name ?? '?',
          kind: s.kind,
        })),
    [spans, labelsById],
  );
  const modelLabels = useMemo(() => [...new Set(all.map((p) => p.label))].sort(), [all]);
  const { show, minConfidence, label } = filter;
  const visible = useMemo(
    () =>
      show ? visiblePredictions(all, { minConfidence, labels: label ? new Set([label]) : null, answered: humans }) : [],
    [all, show, minConfidence, label, humans],
  );
  const disagreements = useMemo(
    () =>
      findDisagreements(
        visiblePredictions(all, { minConfidence, labels: null }),
        humans.filter((h) => h.kind === 'positive'),
        DISAGREEMENT_OVERLAP,
      ),
    [all, minConfidence, humans],
  );
  const disagreementCounts = useMemo(() => countByKind(disagreements), [disagreements]);
  return { all, visible, modelLabels, disagreements, disagreementCounts };
}
