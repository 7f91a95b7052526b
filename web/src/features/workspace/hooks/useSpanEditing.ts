'use client';
import { useCallback, useState } from 'react';
import type { Annotation, AnnotationStore } from '@/features/annotations';
import type { ChartController } from '@/features/chart';
import type { Label } from '@/features/labels';
import { PendingRange, type CandleRange as Range } from '../lib/pendingRange';
import { stepSpan } from '../lib/spans';

/** Editing an accepted model suggestion makes it a correction. */
const correctedIfConfirmed = (span: Annotation | undefined) =>
  span?.source === 'model-confirmed' ? { source: 'model-corrected' as const } : {};

/**
 * What is selected on the chart — a range being labelled (`pending`) or a stored span — and the
 * edits that act on it: label, relabel, delete, accept a TA-Lib span, resize, step through spans.
 * The range being labelled is not React state of the caller: components that show it subscribe
 * to `pending` (see PendingRange), and the callbacks here read it when they run.
 */
export function useSpanEditing(input: {
  store: AnnotationStore;
  spans: readonly Annotation[];
  /** The spans by id, of the same store snapshot as `spans`. */
  byId: ReadonlyMap<string, Annotation>;
  controller: ChartController | null;
  showTalib: boolean;
  notify: (kind: 'info', message: string) => void;
}) {
  const { store, spans, byId, controller, showTalib, notify } = input;
  const [pending] = useState(() => new PendingRange());
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selectedSpan = selectedId ? (byId.get(selectedId) ?? null) : null;

  /** Select a stored span (null: none); a range being labelled is dropped. */
  const selectSpan = useCallback(
    (id: string | null) => {
      setSelectedId(id);
      if (id) pending.set(null);
    },
    [pending],
  );
  /** Select a range to label; the selected span is dropped. */
  const selectRange = useCallback(
    (range: Range) => {
      pending.set(range);
      setSelectedId(null);
    },
    [pending],
  );
  /** Drop the range being labelled, else the selected span. */
  const clearSelection = useCallback(() => {
    if (pending.get()) pending.set(null);
    else setSelectedId(null);
  }, [pending]);
  const reset = useCallback(() => {
    pending.set(null);
    setSelectedId(null);
  }, [pending]);

  const labelWith = useCallback(
    (label: Label) => {
      const range = pending.get();
      if (range) {
        const id = store.create({ labelId: label.id, start: range.start, end: range.end }, `Label ${label.name}`);
        pending.set(null);
        setSelectedId(id);
        return;
      }
      if (selectedSpan) {
        if (selectedSpan.labelId !== label.id)
          store.update(
            selectedSpan.id,
            { labelId: label.id, ...correctedIfConfirmed(selectedSpan) },
            `Relabel as ${label.name}`,
          );
        return;
      }
      notify('info', 'Select candles first: drag across them, or click one and Shift+click another.');
    },
    [pending, selectedSpan, store, notify],
  );

  const deleteSelected = useCallback(() => {
    if (!selectedSpan) return;
    store.remove(selectedSpan.id, selectedSpan.source === 'talib' ? 'Delete TA-Lib span' : 'Delete span');
    setSelectedId(null);
  }, [selectedSpan, store]);

  const acceptTalib = useCallback(() => {
    if (!selectedSpan) return;
    const id = store.create(
      {
        labelId: selectedSpan.labelId,
        start: selectedSpan.start,
        end: selectedSpan.end,
        direction: selectedSpan.direction,
      },
      'Accept TA-Lib span',
    );
    setSelectedId(id);
  }, [selectedSpan, store]);

  const resizeSpan = useCallback(
    (id: string, range: Range) => {
      store.update(id, { ...range, ...correctedIfConfirmed(store.getSnapshot().byId.get(id)) }, 'Resize span');
      setSelectedId(id);
    },
    [store],
  );

  /** Select a span and show it on the chart. */
  const revealSpan = useCallback(
    (id: string) => {
      const span = store.getSnapshot().byId.get(id);
      if (!span) return;
      setSelectedId(id);
      pending.set(null);
      controller?.revealRange(span.start, span.end);
    },
    [controller, store, pending],
  );

  /** `[` / `]`: the previous / next span (TA-Lib ones only while their layer is shown). */
  const step = useCallback(
    (dir: 1 | -1) => {
      const id = stepSpan(
        spans.filter((s) => (s.source === 'talib' ? showTalib : true)),
        selectedId,
        dir,
      );
      if (id) revealSpan(id);
    },
    [spans, selectedId, showTalib, revealSpan],
  );

  return {
    pending,
    selectedId,
    selectedSpan,
    selectSpan,
    selectRange,
    clearSelection,
    reset,
    labelWith,
    deleteSelected,
    acceptTalib,
    resizeSpan,
    revealSpan,
    step,
  };
}
