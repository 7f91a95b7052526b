import type { Annotation } from '@/features/annotations';
import type { SpanShape } from '@/features/chart';
import type { Label } from '@/features/labels';

/** The colour of a span whose label is gone. */
const UNKNOWN_LABEL_COLOR = '#64748b';

/** The chart's shapes of the positive spans (negative ones are training data, not drawn). */
export function spanShapes(spans: readonly Annotation[], labelsById: ReadonlyMap<number, Label>): SpanShape[] {
  return spans
    .filter((s) => s.kind === 'positive')
    .map((s) => {
      const label = labelsById.get(s.labelId);
      return {
        id: s.id,
        start: s.start,
        end: s.end,
        color: label?.color ?? UNKNOWN_LABEL_COLOR,
        label: label?.name ?? '?',
        layer: s.source === 'talib' ? 'talib' : 'human',
        direction: s.direction,
      };
    });
}

/**
 * The span `[` / `]` moves to: the previous or next one in `spans` from the selected one (the
 * first or last when none is selected), staying at the ends. Null when there are none.
 */
export function stepSpan(spans: readonly { id: string }[], selectedId: string | null, dir: 1 | -1): string | null {
  if (!spans.length) return null;
  const i = selectedId ? spans.findIndex((s) => s.id === selectedId) : -1;
  const next = i < 0 ? (dir > 0 ? 0 : spans.length - 1) : Math.min(spans.length - 1, Math.max(0, i + dir));
  return spans[next].id;
}

/** Whether a timeframe is shorter than a day (the chart's time axis then shows times of day). */
export function isIntraday(timeframe: string | null): boolean {
  return !!timeframe && /^\d*(s|m|h|min|H)$/.test(timeframe);
}
