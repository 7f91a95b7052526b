'use client';
import { useDeferredValue } from 'react';
import type { ChartController } from '@/features/chart';
import { LabelPicker, type Label } from '@/features/labels';
import { usePendingRange } from '../hooks/usePendingRange';
import type { PendingRange } from '../lib/pendingRange';

/**
 * What a selection offers over the chart: the label picker for a range being labelled, and "Find
 * similar" for that range or a selected span. It subscribes to the pending range itself, so
 * selecting candles re-renders this and not the workspace around it.
 */
export function SelectionActions({
  pending,
  spanSelected,
  labels,
  timeframe,
  controller,
  onPick,
  onCancel,
  onFindSimilar,
}: {
  pending: PendingRange;
  spanSelected: boolean;
  /** In the picker's order. */
  labels: Label[];
  timeframe: string | null;
  controller: ChartController | null;
  onPick: (label: Label) => void;
  onCancel: () => void;
  onFindSimilar: () => void;
}) {
  // The chart draws the selection in the pointerup itself; the picker follows in a render of its
  // own (a deferred value renders in a later task that the browser can draw a frame before),
  // so the frame a selection ends in is not also the frame that builds the picker.
  const range = useDeferredValue(usePendingRange(pending));
  return (
    <>
      {range ? (
        <LabelPicker
          labels={labels}
          range={range}
          timeframe={timeframe}
          anchor={controller?.screenRangeOf(range.start, range.end) ?? null}
          onPick={onPick}
          onCancel={onCancel}
        />
      ) : null}
      {range || spanSelected ? (
        <button
          type="button"
          className="btn find-similar"
          onClick={onFindSimilar}
          data-testid="find-similar"
          title="Search every dataset for this shape"
        >
          ⌕ Find similar
        </button>
      ) : null}
    </>
  );
}
