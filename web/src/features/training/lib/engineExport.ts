import { normalizeLabelName } from '@/features/autolabel';
import type { Annotation } from '@/features/annotations';
import type { AnnotationRecord } from '@/server/engine';

/**
 * One span exactly as the engine's annotation reader accepts it: the engine's own record type,
 * generated from crates/engine/src/annotations.rs (docs/formats.md). Times are epoch ms here.
 */
export type EngineSpan = AnnotationRecord;

export interface DroppedSpan {
  id: string;
  reason: string;
}

export interface EngineExport {
  annotations: EngineSpan[];
  /** Spans left out because the engine would reject the whole file for them (a negative under a positive of its label). */
  dropped: DroppedSpan[];
}

/** The engine's series id of a dataset (unique, independent of the user's naming). */
export const seriesIdOf = (datasetId: number) => `ds${datasetId}`;

/**
 * The label name training uses for an app label: when TA-Lib labels are mixed in, an app label
 * that names the same pattern ('morning star' vs TA-Lib's 'morningstar') takes the TA-Lib name,
 * so both sources teach one class.
 */
export function engineLabelName(appLabel: string, talibLabels: readonly string[]): string {
  const key = normalizeLabelName(appLabel);
  return talibLabels.find((t) => normalizeLabelName(t) === key) ?? appLabel.trim();
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start <= b.end && b.start <= a.end;

/**
 * The app's spans of some datasets as the engine's span file. Positives of different labels may
 * nest or overlap (the engine trains on all of them). Resolves what the engine would reject as a
 * whole: a positive and a negative of one label on one candle (the positive wins: a person
 * confirmed what they had once dismissed).
 */
export function toEngineSpans(
  annotations: readonly Annotation[],
  datasets: ReadonlyMap<number, { name: string }>,
  labelNames: ReadonlyMap<number, string>,
  talibLabels: readonly string[] = [],
): EngineExport {
  const dropped: DroppedSpan[] = [];
  const byDataset = new Map<number, Annotation[]>();
  for (const a of annotations) {
    if (!datasets.has(a.datasetId)) continue;
    const list = byDataset.get(a.datasetId) ?? [];
    list.push(a);
    byDataset.set(a.datasetId, list);
  }
  const out: EngineSpan[] = [];
  for (const [datasetId, list] of byDataset) {
    const name = (a: Annotation) => engineLabelName(labelNames.get(a.labelId) ?? `label-${a.labelId}`, talibLabels);
    const keptPositives = list.filter((a) => a.kind === 'positive');
    const negatives = list.filter((a) => a.kind === 'negative');
    const keptNegatives: Annotation[] = [];
    for (const a of negatives) {
      const clash = keptPositives.find((k) => overlaps(k, a) && name(k) === name(a));
      if (clash) dropped.push({ id: a.id, reason: `negative overlaps positive span ${clash.id} of the same label` });
      else keptNegatives.push(a);
    }
    for (const a of [...keptPositives, ...keptNegatives].sort(
      (x, y) => x.start - y.start || x.id.localeCompare(y.id),
    )) {
      const span: EngineSpan = {
        id: a.id,
        symbol: seriesIdOf(datasetId),
        dataset: datasets.get(datasetId)!.name,
        start: a.start,
        end: a.end,
        label: name(a),
        source: a.source,
        kind: a.kind,
        annotator: a.annotator,
        created_at: a.createdAt,
        updated_at: a.updatedAt,
      };
      if (a.direction) span.direction = a.direction;
      if (a.note) span.note = a.note;
      out.push(span);
    }
  }
  return { annotations: out, dropped };
}
