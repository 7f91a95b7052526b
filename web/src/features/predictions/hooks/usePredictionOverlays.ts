'use client';
import { useEffect, useMemo, useRef } from 'react';
import type { ChartController } from '@/features/chart';
import type { Label } from '@/features/labels';
import { matchLabel } from '@/features/autolabel';
import { PredictionBandsPrimitive } from '../lib/predictionBandsPrimitive';
import { ConfidenceStripPrimitive } from '../lib/confidenceStripPrimitive';
import { classLabel, type StripValues } from '../lib/confidenceStrip';
import type { PredSpan } from '../lib/predictionLogic';
import type { PerCandleRows } from '../types';

const UNMATCHED_COLOR = '#e2e8f0';

export interface PredictionOverlaysInput {
  controller: ChartController | null;
  visible: readonly PredSpan[];
  selectedId: string | null;
  labels: readonly Label[];
  modelTag: string;
  /** The strip's values (null: the strip is off or there is no per-candle output). */
  stripValues: StripValues | null;
  perCandle: PerCandleRows | undefined;
  candleTimes: readonly number[];
  /** Colour each candle by its predicted label. */
  tint: boolean;
}

/**
 * Draws predictions on the chart: the bands of the visible predictions (the selected one
 * highlighted) and the confidence strip. Both are series primitives added once per chart and fed
 * new data. Returns a ref for the strip's legend, whose `data-cells` follows the cells drawn.
 */
export function usePredictionOverlays(input: PredictionOverlaysInput) {
  const { controller, visible, selectedId, labels, modelTag, stripValues, perCandle, candleTimes, tint } = input;
  const bands = useMemo(() => new PredictionBandsPrimitive(), []);
  const strip = useMemo(() => new ConfidenceStripPrimitive(), []);
  const stripLegendRef = useRef<HTMLDivElement>(null);

  useEffect(() => controller?.addOverlay(bands), [controller, bands]);
  useEffect(() => controller?.addOverlay(strip), [controller, strip]);

  // The number of cells drawn goes straight to the legend's attribute: no re-render per frame.
  useEffect(() => {
    strip.setDrawListener((cells) => {
      const el = stripLegendRef.current;
      if (el && el.dataset.cells !== String(cells)) el.dataset.cells = String(cells);
    });
    return () => strip.setDrawListener(null);
  }, [strip]);

  useEffect(() => {
    bands.setPredictions(
      visible.map((p) => ({
        id: p.id,
        start: p.startTime,
        end: p.endTime,
        label: p.label,
        confidence: p.confidence,
        color: matchLabel(p.label, labels)?.color ?? UNMATCHED_COLOR,
      })),
      modelTag,
    );
  }, [bands, visible, labels, modelTag]);
  useEffect(() => bands.setSelected(selectedId), [bands, selectedId]);

  useEffect(() => {
    if (!stripValues || !perCandle || !candleTimes.length) {
      strip.setData(null);
      return;
    }
    // Tinted: each class in its label's colour, as the overlay draws it (background class neutral).
    const classColors = tint
      ? perCandle.classNames.map((name) => {
          const label = classLabel(name);
          return label === null ? null : (matchLabel(label, labels)?.color ?? UNMATCHED_COLOR);
        })
      : null;
    strip.setData({ values: stripValues, candleTimes, perCandle, classColors });
  }, [strip, stripValues, perCandle, candleTimes, tint, labels]);

  return { stripLegendRef };
}
