'use client';
import { useEffect } from 'react';
import type { ChartController, SpanShape } from '@/features/chart';
import type { PendingRange } from '../lib/pendingRange';

export interface ChartState {
  shapes: SpanShape[];
  selectedId: string | null;
  /** The range being labelled (not a span yet), drawn as the chart's draft whenever it changes. */
  draft: PendingRange;
  showTalib: boolean;
  panMode: boolean;
}

/** Feeds the workspace's state to the chart (created once; each part is set when it changes). */
export function useChartSync(controller: ChartController | null, state: ChartState): void {
  const { shapes, selectedId, draft, showTalib, panMode } = state;
  useEffect(() => controller?.setSpans(shapes), [controller, shapes]);
  useEffect(() => controller?.setSelectedSpan(selectedId), [controller, selectedId]);
  // Not through React state: the draft follows a selection in the same event, without a render.
  useEffect(() => {
    if (!controller) return;
    const show = () => controller.setDraft(draft.get());
    show();
    return draft.subscribe(show);
  }, [controller, draft]);
  useEffect(() => controller?.setLayers({ human: true, talib: showTalib }), [controller, showTalib]);
  useEffect(() => controller?.setPanMode(panMode), [controller, panMode]);
}
