import { normalizeLabelName } from '@/features/autolabel/lib/patternLabels';
import type { Annotation } from '@/features/annotations/types';

/**
 * One span exactly as the engine's annotation reader accepts it (docs/formats.md,
 * crates/engine/src/annotations.rs, which rejects any other field). Times are epoch ms.
 */
export interface EngineSpan {
  id: string;
  symbol: string;
  dataset: string;
  start: number;
  end: number;
  label: string;
  source: Annotation['source'];
  kind: Annotation['kind'];
  direction?: 'bullish' | 'bearish';
  annotator: string;
  created_at: number;
  updated_at: number;
  note?: string;
}

export interface DroppedSpan {
  id: string;
  reason: string;
}

export interface EngineExport {
  annotations: EngineSpan[];
  /** Spans left out because the engine would reject the whole file for them (conflicts). */
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

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start <= b.end && b.start <= a.end;

/**
 * The app's spans of some datasets as the engine's span file. Resolves what the engine would
 * reject as a whole: two positives with different labels on one candle (the most recently
 * updated one is kept), a positive and a negative of one label on one candle (the positive wins:
 * a person confirmed what they had once dismissed).
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
    // Newest first: a later decision wins a conflict.
    const positives = list.filter((a) => a.kind === 'positive').sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
    const keptPositives: Annotation[] = [];
    for (const a of positives) {
      const clash = keptPositives.find((k) => overlaps(k, a) && name(k) !== name(a));
      if (clash) dropped.push({ id: a.id, reason: `overlaps span ${clash.id} with another label (${name(clash)})` });
      else keptPositives.push(a);
    }
    const negatives = list.filter((a) => a.kind === 'negative');
    const keptNegatives: Annotation[] = [];
    for (const a of negatives) {
      const clash = keptPositives.find((k) => overlaps(k, a) && name(k) === name(a));
      if (clash) dropped.push({ id: a.id, reason: `negative overlaps positive span ${clash.id} of the same label` });
      else keptNegatives.push(a);
    }
    for (const a of [...keptPositives, ...keptNegatives].sort((x, y) => x.start - y.start || x.id.localeCompare(y.id))) {
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
