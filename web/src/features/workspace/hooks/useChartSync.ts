'use client';
import { useEffect } from 'react';
import type { ChartController, SpanShape } from '@/features/chart';

export interface ChartState {
  shapes: SpanShape[];
  selectedId: string | null;
  /** The range being labelled (not a span yet). */
  draft: { start: number; end: number } | null;
  showTalib: boolean;
  panMode: boolean;
}

/** Feeds the workspace's state to the chart (created once; each part is set when it changes). */
export function useChartSync(controller: ChartController | null, state: ChartState): void {
  const { shapes, selectedId, draft, showTalib, panMode } = state;
  useEffect(() => controller?.setSpans(shapes), [controller, shapes]);
  useEffect(() => controller?.setSelectedSpan(selectedId), [controller, selectedId]);
  useEffect(() => controller?.setDraft(draft), [controller, draft]);
  useEffect(() => controller?.setLayers({ human: true, talib: showTalib }), [controller, showTalib]);
  useEffect(() => controller?.setPanMode(panMode), [controller, panMode]);
}
