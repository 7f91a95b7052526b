'use client';
import { useCallback } from 'react';
import type { AnnotationStore } from '@/features/annotations';
import type { Label } from '@/features/labels';
import { matchLabel } from '@/features/autolabel';
import { feedbackSpan, type FeedbackAction } from '../lib/feedback';
import type { PredSpan } from '../lib/predictionLogic';

export interface PredictionFeedbackInput {
  selected: PredSpan | null;
  modelTag: string;
  labels: readonly Label[];
  store: AnnotationStore;
  /** The app label of a model's label name, created when there is none. */
  ensureLabel: (name: string) => Promise<Label>;
  notify: (kind: 'info' | 'warning' | 'error', message: string) => void;
  /** The prediction was answered: nothing is selected in the list any more. */
  onAnswered: () => void;
  /** Select the span the answer stored (confirm, correct). */
  onSelectSpan: (id: string) => void;
}

/** Confirm / correct / dismiss the selected prediction: each stores a span (see lib/feedback.ts). */
export function usePredictionFeedback(input: PredictionFeedbackInput) {
  const { selected, modelTag, labels, store, ensureLabel, notify, onAnswered, onSelectSpan } = input;
  return useCallback(
    async (action: FeedbackAction) => {
      if (!selected) {
        notify('info', 'Select a prediction first (click one on the chart or in the list).');
        return;
      }
      const label = matchLabel(selected.label, labels) ?? (await ensureLabel(selected.label));
      const { draft, description } = feedbackSpan(action, selected, label.id, modelTag);
      const id = store.create(draft, description);
      onAnswered();
      if (action === 'dismiss') return;
      onSelectSpan(id);
      if (action === 'correct') notify('info', 'Now fix it: drag its edges, or press a label hotkey to relabel it.');
    },
    [selected, labels, modelTag, store, ensureLabel, notify, onAnswered, onSelectSpan],
  );
}
