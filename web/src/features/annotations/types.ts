/** `similar`: a "find similar" search result a person accepted (web/src/features/similar). */
export const SOURCES = ['human', 'talib', 'model-confirmed', 'model-corrected', 'similar'] as const;
export type Source = (typeof SOURCES)[number];

/** Sources drawn on (and edited in) the main annotation layer; talib spans are their own layer. */
export const HUMAN_LAYER_SOURCES: readonly Source[] = ['human', 'model-confirmed', 'model-corrected', 'similar'];

/** `negative` is reserved for dismissed model predictions (stored as negatives for training). */
export const KINDS = ['positive', 'negative'] as const;
export type Kind = (typeof KINDS)[number];

export const DIRECTIONS = ['bullish', 'bearish'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** A labelled, inclusive candle range [start, end] (epoch ms of the first and last candle). */
export interface Annotation {
  id: string;
  datasetId: number;
  labelId: number;
  start: number;
  end: number;
  kind: Kind;
  source: Source;
  annotator: string;
  direction: Direction | null;
  note: string | null;
  /** Optimistic-concurrency version: +1 on every write. An update must name the version it read. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** The restorable content of a span (what undo/redo puts back). */
export type AnnotationState = Pick<
  Annotation,
  'datasetId' | 'labelId' | 'start' | 'end' | 'kind' | 'source' | 'annotator' | 'direction' | 'note'
>;

/** One span's change by a write: `before`/`after` null = absent (never existed or deleted). */
export interface AnnotationChange {
  id: string;
  before: Annotation | null;
  after: Annotation | null;
  /** The row's version after the change, deleted rows included (null: no row at all). Undo/redo send it back. */
  version: number | null;
}

export interface WriteResult {
  changes: AnnotationChange[];
}

export function stateOf(a: Annotation): AnnotationState {
  return {
    datasetId: a.datasetId,
    labelId: a.labelId,
    start: a.start,
    end: a.end,
    kind: a.kind,
    source: a.source,
    annotator: a.annotator,
    direction: a.direction,
    note: a.note,
  };
}
