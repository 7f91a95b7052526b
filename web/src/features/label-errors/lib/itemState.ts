import type { LabelErrorRun, LabelErrorItem } from '../types';

/**
 * Where a flagged span stands now. Read off the current spans (so undo of a relabel or delete
 * reopens it) and the stored "kept" decisions.
 */
export type ItemState = 'open' | 'kept' | 'relabelled' | 'removed';

export interface SpanNow {
  id: string;
  labelId: number;
}

export interface ItemView extends LabelErrorItem {
  state: ItemState;
}

export function itemState(
  item: LabelErrorItem,
  spansById: ReadonlyMap<string, SpanNow>,
  reviews: LabelErrorRun['reviews'],
): ItemState {
  const span = spansById.get(item.annotationId);
  if (!span) return 'removed';
  if (span.labelId !== item.labelId) return 'relabelled';
  return reviews[item.annotationId] === 'kept' ? 'kept' : 'open';
}

export interface ItemFilter {
  datasetId: number;
  /** Only spans another label reaches its threshold on. */
  likelyOnly: boolean;
  /** Hide kept, relabelled and removed spans. */
  openOnly: boolean;
}

/** The run's items on one dataset, in rank order, with their current state, filtered. */
export function itemsToShow(
  run: Pick<LabelErrorRun, 'items' | 'reviews'>,
  spans: readonly SpanNow[],
  filter: ItemFilter,
): ItemView[] {
  const byId = new Map(spans.map((s) => [s.id, s]));
  return run.items
    .filter((i) => i.datasetId === filter.datasetId && (!filter.likelyOnly || i.likelyError))
    .map((i) => ({ ...i, state: itemState(i, byId, run.reviews) }))
    .filter((i) => !filter.openOnly || i.state === 'open');
}

/** Flagged spans on the dataset that a person has dealt with (kept, relabelled or removed), of all flagged. */
export function reviewProgress(
  run: Pick<LabelErrorRun, 'items' | 'reviews'>,
  spans: readonly SpanNow[],
  datasetId: number,
): { done: number; total: number } {
  const flagged = itemsToShow(run, spans, { datasetId, likelyOnly: true, openOnly: false });
  return { done: flagged.filter((i) => i.state !== 'open').length, total: flagged.length };
}
