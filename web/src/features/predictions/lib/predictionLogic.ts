import { normalizeLabelName } from '@/features/autolabel';
import { IntervalIndex } from '@/shared/intervalIndex';
import type { PredictedSpan } from '@/server/engine';

/** A model span as the UI keeps it (times epoch ms, candle indices into the dataset), with an id for selection. */
export type PredSpan = PredictedSpan & { id: string };

/** A stored span as feedback and disagreement logic read it. */
export interface HumanSpanLike {
  id: string;
  start: number;
  end: number;
  label: string;
  kind: 'positive' | 'negative';
}

const sameLabel = (a: string, b: string) => normalizeLabelName(a) === normalizeLabelName(b);

export const predictionId = (p: { startTime: number; endTime: number; label: string }) =>
  `pred:${p.label}:${p.startTime}:${p.endTime}`;

/**
 * The predictions to draw: at or above the confidence threshold, of the chosen labels (null = all),
 * and not already answered by feedback (a stored span of the same label overlapping it: a
 * confirmed/corrected positive, or a dismissed negative).
 */
export function visiblePredictions(
  preds: readonly PredSpan[],
  opts: { minConfidence: number; labels: ReadonlySet<string> | null; answered?: readonly HumanSpanLike[] },
): PredSpan[] {
  const answeredByLabel = indexByLabel(opts.answered ?? []);
  return preds.filter(
    (p) =>
      p.confidence >= opts.minConfidence &&
      (!opts.labels || opts.labels.has(p.label)) &&
      !answeredByLabel.get(normalizeLabelName(p.label))?.anyOverlapping(p.startTime, p.endTime),
  );
}

/** Stored spans by normalised label, each set indexed for overlap queries. */
function indexByLabel(spans: readonly HumanSpanLike[]): Map<string, IntervalIndex<HumanSpanLike>> {
  const groups = new Map<string, HumanSpanLike[]>();
  for (const h of spans) {
    const key = normalizeLabelName(h.label);
    const group = groups.get(key);
    if (group) group.push(h);
    else groups.set(key, [h]);
  }
  return new Map([...groups].map(([key, group]) => [key, spanIndex(group)]));
}

const spanIndex = (spans: readonly HumanSpanLike[]) =>
  new IntervalIndex(
    spans,
    (h) => h.start,
    (h) => h.end,
  );

export type UncertaintyMetric = 'entropy' | 'margin';

/**
 * Candle indices ordered most-uncertain first: highest entropy, or smallest margin (top-1 minus
 * top-2 probability). With `diversity` K > 0 a candidate within K candles of one already taken is
 * skipped. Candles without output (null: warm-up, look-ahead) are ignored.
 */
export function uncertainCandles(
  perCandle: { entropy: ReadonlyArray<number | null>; margin: ReadonlyArray<number | null> },
  metric: UncertaintyMetric,
  diversity: number,
  limit = 200,
): number[] {
  const idx: number[] = [];
  const values = metric === 'entropy' ? perCandle.entropy : perCandle.margin;
  for (let i = 0; i < values.length; i++) if (values[i] !== null && Number.isFinite(values[i] as number)) idx.push(i);
  const score = (i: number) => (metric === 'entropy' ? -(values[i] as number) : (values[i] as number));
  idx.sort((a, b) => score(a) - score(b) || a - b);
  const out: number[] = [];
  for (const i of idx) {
    if (diversity > 0 && out.some((j) => Math.abs(j - i) <= diversity)) continue;
    out.push(i);
    if (out.length >= limit) break;
  }
  return out;
}

export type DisagreementKind = 'label-mismatch' | 'missed-by-model' | 'unlabelled-confident';

export interface Disagreement {
  kind: DisagreementKind;
  start: number;
  end: number;
  humanLabel?: string;
  modelLabel?: string;
  confidence?: number;
  spanId?: string;
  predictionId?: string;
}

/**
 * Where the model and the human spans disagree: a prediction overlapping a human positive with a
 * different label (and none with the same label); a human positive no prediction overlaps; a
 * prediction at or above `confident` overlapping no human span at all.
 */
export function findDisagreements(
  preds: readonly PredSpan[],
  humans: readonly HumanSpanLike[],
  confident = 0.8,
): Disagreement[] {
  const out: Disagreement[] = [];
  const positives = humans.filter((h) => h.kind === 'positive');
  const predIndex = new IntervalIndex(
    preds,
    (p) => p.startTime,
    (p) => p.endTime,
  );
  const humanIndex = spanIndex(humans);
  for (const h of positives) {
    const over = predIndex.overlapping(h.start, h.end);
    if (!over.length) {
      out.push({ kind: 'missed-by-model', start: h.start, end: h.end, humanLabel: h.label, spanId: h.id });
      continue;
    }
    if (!over.some((p) => sameLabel(p.label, h.label))) {
      const p = over.reduce((a, b) => (b.confidence > a.confidence ? b : a));
      out.push({
        kind: 'label-mismatch',
        start: Math.min(h.start, p.startTime),
        end: Math.max(h.end, p.endTime),
        humanLabel: h.label,
        modelLabel: p.label,
        confidence: p.confidence,
        spanId: h.id,
        predictionId: p.id,
      });
    }
  }
  for (const p of preds) {
    if (p.confidence < confident) continue;
    if (humanIndex.anyOverlapping(p.startTime, p.endTime)) continue;
    out.push({
      kind: 'unlabelled-confident',
      start: p.startTime,
      end: p.endTime,
      modelLabel: p.label,
      confidence: p.confidence,
      predictionId: p.id,
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function countByKind(list: readonly Disagreement[]): Record<DisagreementKind, number> {
  const c: Record<DisagreementKind, number> = { 'label-mismatch': 0, 'missed-by-model': 0, 'unlabelled-confident': 0 };
  for (const d of list) c[d.kind]++;
  return c;
}
