import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Db } from '@/server/db/database';
import { ApiError, badRequest, conflict, notFound } from '@/server/http/apiError';
import { candleClock } from '@/features/datasets/server';
import type { OverlapPolicy } from '@/features/projects';
import { snapToCandles, sourceAfterHumanEdit, subtractRange, type CandleClock, type TimeRange } from '../lib/spanMath';
import { HUMAN_LAYER_SOURCES, stateOf, type Annotation, type AnnotationChange, type AnnotationState } from '../types';
import type { AnnotationCreate, AnnotationPatch, BulkOperation } from '../schemas';
import {
  findRow,
  insertRow,
  overlappingRows,
  softDelete,
  toAnnotation,
  writeState,
  type AnnotationRow,
} from './annotationRepository';

export const ANONYMOUS = 'anonymous';

export interface WriteContext {
  /** The person making the change: the signed-in user (or, in the single-user mode, the client's name setting). */
  annotator?: string;
  /** The annotator is the signed-in caller: a created span records them, whatever it names itself. */
  callerIsAnnotator?: boolean;
}

/** Collects per-span before/after over one transaction (several touches of a span merge into one change). */
class ChangeTracker {
  private readonly byId = new Map<string, AnnotationChange>();

  constructor(private readonly db: Db) {}

  record(id: string, before: Annotation | null, after: Annotation | null): void {
    const existing = this.byId.get(id);
    if (existing) existing.after = after;
    else this.byId.set(id, { id, before, after, version: null });
  }

  /** The changes, with each row's final version (read at the end of the transaction). */
  list(): AnnotationChange[] {
    const versionOf = this.db.prepare('SELECT version FROM annotations WHERE id = ?').pluck();
    return [...this.byId.values()]
      .filter((c) => c.before !== null || c.after !== null)
      .map((c) => ({ ...c, version: (versionOf.get(c.id) as number | undefined) ?? null }));
  }
}

/** The 409 for an update based on a version that is no longer current. */
export function staleWrite(id: string, expected: number | null, row: AnnotationRow | undefined): ApiError {
  const current = row && row.deleted_at === null ? toAnnotation(row) : null;
  const what = current
    ? `it is at version ${current.version} on the server, your edit was based on version ${expected ?? 'none'}`
    : expected === null
      ? 'it exists on the server although your edit expected it not to'
      : 'it was deleted on the server';
  return conflict(
    'STALE_WRITE',
    `This span was changed elsewhere (another tab or person): ${what}. Your edit was not applied; reload the span and try again.`,
    { id, currentVersion: row?.version ?? null, current },
  );
}

interface DatasetContext {
  projectId: number;
  overlapPolicy: OverlapPolicy;
  clock: CandleClock;
}

function datasetContext(db: Db, cache: Map<number, DatasetContext>, datasetId: number): DatasetContext {
  let ctx = cache.get(datasetId);
  if (!ctx) {
    const row = db
      .prepare(
        'SELECT d.project_id AS projectId, p.overlap_policy AS overlapPolicy FROM datasets d JOIN projects p ON p.id = d.project_id WHERE d.id = ?',
      )
      .get(datasetId) as { projectId: number; overlapPolicy: OverlapPolicy } | undefined;
    if (!row) throw notFound('Dataset', datasetId);
    ctx = { ...row, clock: candleClock(db, datasetId) };
    cache.set(datasetId, ctx);
  }
  return ctx;
}

function assertLabel(db: Db, labelId: number, projectId: number): void {
  const label = db.prepare('SELECT project_id FROM labels WHERE id = ?').get(labelId) as
    { project_id: number } | undefined;
  if (!label) throw notFound('Label', labelId);
  if (label.project_id !== projectId)
    throw badRequest('LABEL_NOT_IN_PROJECT', `Label ${labelId} belongs to another project than the dataset.`);
}

function snapped(range: TimeRange, clock: CandleClock): TimeRange {
  const r = snapToCandles(range, clock);
  if (!r) {
    throw badRequest(
      'EMPTY_SPAN',
      `No candle of the dataset lies between ${new Date(range.start).toISOString()} and ${new Date(range.end).toISOString()}.`,
    );
  }
  return r;
}

function inHumanLayer(s: Pick<AnnotationState, 'kind' | 'source'>): boolean {
  return s.kind === 'positive' && HUMAN_LAYER_SOURCES.includes(s.source);
}

/**
 * Overlap policy 'split': the span just created or edited wins; every other live human-layer
 * span it overlaps is cut around it (trimmed, split in two, or deleted when fully covered).
 */
function splitOverlapped(
  db: Db,
  tracker: ChangeTracker,
  datasetId: number,
  cut: TimeRange,
  exceptId: string,
  clock: CandleClock,
  now: number,
): void {
  for (const row of overlappingRows(db, datasetId, cut.start, cut.end)) {
    if (row.id === exceptId) continue;
    const before = toAnnotation(row);
    if (!inHumanLayer(before)) continue;
    const pieces = subtractRange({ start: row.start_time, end: row.end_time }, cut, clock);
    if (pieces.length === 0) {
      softDelete(db, row.id, now);
      tracker.record(row.id, before, null);
      continue;
    }
    writeState(db, row.id, { ...stateOf(before), ...pieces[0] }, now);
    tracker.record(row.id, before, toAnnotation(findRow(db, row.id)!));
    if (pieces[1]) {
      const pieceId = randomUUID();
      insertRow(db, pieceId, { ...stateOf(before), ...pieces[1] }, { createdAt: before.createdAt, updatedAt: now });
      tracker.record(pieceId, null, toAnnotation(findRow(db, pieceId)!));
    }
  }
}

interface OpEnv {
  db: Db;
  tracker: ChangeTracker;
  datasets: Map<number, DatasetContext>;
  annotator: string;
  callerIsAnnotator: boolean;
  now: number;
}

function create(env: OpEnv, input: AnnotationCreate): Annotation {
  const { db, tracker, now } = env;
  const ds = datasetContext(db, env.datasets, input.datasetId);
  assertLabel(db, input.labelId, ds.projectId);
  const range = snapped({ start: input.start, end: input.end }, ds.clock);
  const id = input.id ?? randomUUID();
  if (findRow(db, id)) throw conflict('ID_TAKEN', `An annotation with id ${id} already exists.`);
  const state: AnnotationState = {
    datasetId: input.datasetId,
    labelId: input.labelId,
    ...range,
    kind: input.kind ?? 'positive',
    source: input.source ?? 'human',
    annotator: env.callerIsAnnotator ? env.annotator : (input.annotator ?? env.annotator),
    direction: input.direction ?? null,
    note: input.note?.trim() ? input.note : null,
  };
  if (ds.overlapPolicy === 'split' && inHumanLayer(state))
    splitOverlapped(db, tracker, state.datasetId, range, id, ds.clock, now);
  insertRow(db, id, state, { createdAt: now, updatedAt: now });
  const after = toAnnotation(findRow(db, id)!);
  tracker.record(id, null, after);
  return after;
}

function checkedRow(db: Db, id: string, version: number): AnnotationRow {
  const row = findRow(db, id);
  if (!row) throw notFound('Annotation', id);
  if (row.deleted_at !== null || row.version !== version) throw staleWrite(id, version, row);
  return row;
}

function update(env: OpEnv, id: string, version: number, patch: AnnotationPatch): Annotation {
  const { db, tracker, now } = env;
  const row = checkedRow(db, id, version);
  const before = toAnnotation(row);
  const ds = datasetContext(db, env.datasets, before.datasetId);
  const next: AnnotationState = { ...stateOf(before) };
  if (patch.labelId !== undefined && patch.labelId !== before.labelId) {
    assertLabel(db, patch.labelId, ds.projectId);
    next.labelId = patch.labelId;
  }
  const rangeChanged = patch.start !== undefined || patch.end !== undefined;
  if (rangeChanged) {
    const start = patch.start ?? before.start;
    const end = patch.end ?? before.end;
    if (start > end) throw badRequest('VALIDATION_FAILED', 'start must be <= end');
    Object.assign(next, snapped({ start, end }, ds.clock));
  }
  if (patch.note !== undefined) next.note = patch.note?.trim() ? patch.note : null;
  if (patch.direction !== undefined) next.direction = patch.direction;
  if (patch.kind !== undefined) next.kind = patch.kind;
  const substantive = next.labelId !== before.labelId || next.start !== before.start || next.end !== before.end;
  if (patch.source !== undefined) next.source = patch.source;
  else if (substantive && sourceAfterHumanEdit(before.source) !== before.source) {
    next.source = sourceAfterHumanEdit(before.source);
    next.annotator = env.annotator;
  }
  if (ds.overlapPolicy === 'split' && inHumanLayer(next) && (substantive || next.source !== before.source)) {
    splitOverlapped(db, tracker, next.datasetId, { start: next.start, end: next.end }, id, ds.clock, now);
  }
  writeState(db, id, next, now);
  const after = toAnnotation(findRow(db, id)!);
  tracker.record(id, before, after);
  return after;
}

function remove(env: OpEnv, id: string, version: number): null {
  const row = checkedRow(env.db, id, version);
  softDelete(env.db, id, env.now);
  env.tracker.record(id, toAnnotation(row), null);
  return null;
}

function restore(env: OpEnv, id: string, version: number | null, state: AnnotationState | null): Annotation | null {
  const { db, tracker, now } = env;
  const row = findRow(db, id);
  if (version === null ? row !== undefined && row.deleted_at === null : !row || row.version !== version) {
    throw staleWrite(id, version, row);
  }
  const before = row && row.deleted_at === null ? toAnnotation(row) : null;
  if (state === null) {
    if (row && row.deleted_at === null) softDelete(db, id, now);
    tracker.record(id, before, null);
    return null;
  }
  const ds = datasetContext(db, env.datasets, state.datasetId);
  assertLabel(db, state.labelId, ds.projectId);
  const next = { ...state, ...snapped({ start: state.start, end: state.end }, ds.clock) };
  if (row) writeState(db, id, next, now);
  else insertRow(db, id, next, { createdAt: now, updatedAt: now });
  const after = toAnnotation(findRow(db, id)!);
  tracker.record(id, before, after);
  return after;
}

export interface OperationsResult {
  /** One per operation: the span after it (null for deletes). */
  results: (Annotation | null)[];
  changes: AnnotationChange[];
}

function applyOne(env: OpEnv, op: BulkOperation): Annotation | null {
  switch (op.op) {
    case 'create':
      return create(env, op.annotation);
    case 'update':
      return update(env, op.id, op.version, op.patch);
    case 'delete':
      return remove(env, op.id, op.version);
    case 'restore':
      return restore(env, op.id, op.version, op.state);
  }
}

/**
 * Runs `body` in one transaction (IMMEDIATE, or a savepoint inside the caller's transaction),
 * giving it `apply(op)`: for writers that choose each operation after seeing the effect of the
 * previous ones (e.g. reading a span's current version just before updating it, since an overlap
 * split may have bumped it). All of it commits or none; the changes are merged per span like
 * applyOperations'.
 */
export function withOperations<T>(
  db: Db,
  context: WriteContext,
  body: (apply: (op: BulkOperation) => Annotation | null) => T,
): { value: T; changes: AnnotationChange[] } {
  return db
    .transaction(() => {
      const env: OpEnv = {
        db,
        tracker: new ChangeTracker(db),
        datasets: new Map(),
        annotator: context.annotator || ANONYMOUS,
        callerIsAnnotator: context.callerIsAnnotator ?? false,
        now: Date.now(),
      };
      const value = body((op) => applyOne(env, op));
      return { value, changes: env.tracker.list() };
    })
    .immediate();
}

/**
 * Applies operations atomically: all succeed, or (any 4xx, e.g. a STALE_WRITE) none is applied.
 * better-sqlite3 commits synchronously (WAL, synchronous=FULL) before this returns, so a response
 * built from the result is only sent for durable writes.
 */
export function applyOperations(
  db: Db,
  operations: readonly BulkOperation[],
  context: WriteContext = {},
): OperationsResult {
  const { value, changes } = withOperations(db, context, (apply) => operations.map(apply));
  return { results: value, changes };
}
