import 'server-only';
import type { Db } from '@/server/db/database';
import type { Annotation, AnnotationState, Source } from '../types';

export interface AnnotationRow {
  id: string;
  dataset_id: number;
  label_id: number;
  start_time: number;
  end_time: number;
  kind: Annotation['kind'];
  source: Source;
  annotator: string;
  direction: Annotation['direction'];
  note: string | null;
  version: number;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export function toAnnotation(r: AnnotationRow): Annotation {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    labelId: r.label_id,
    start: r.start_time,
    end: r.end_time,
    kind: r.kind,
    source: r.source,
    annotator: r.annotator,
    direction: r.direction,
    note: r.note,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The row, deleted or not. */
export function findRow(db: Db, id: string): AnnotationRow | undefined {
  return db.prepare('SELECT * FROM annotations WHERE id = ?').get(id) as AnnotationRow | undefined;
}

/** A live (not deleted) annotation, or undefined. */
export function findAnnotation(db: Db, id: string): Annotation | undefined {
  const row = findRow(db, id);
  return row && row.deleted_at === null ? toAnnotation(row) : undefined;
}

export function listAnnotations(
  db: Db,
  filter: { datasetId?: number; projectId?: number; sources?: readonly Source[] },
): Annotation[] {
  const where = ['a.deleted_at IS NULL'];
  const args: unknown[] = [];
  if (filter.datasetId !== undefined) {
    where.push('a.dataset_id = ?');
    args.push(filter.datasetId);
  }
  if (filter.projectId !== undefined) {
    where.push('d.project_id = ?');
    args.push(filter.projectId);
  }
  if (filter.sources?.length) {
    where.push(`a.source IN (${filter.sources.map(() => '?').join(', ')})`);
    args.push(...filter.sources);
  }
  const rows = db
    .prepare(
      `SELECT a.* FROM annotations a JOIN datasets d ON d.id = a.dataset_id WHERE ${where.join(' AND ')} ORDER BY a.dataset_id, a.start_time, a.end_time, a.id`,
    )
    .all(...args) as AnnotationRow[];
  return rows.map(toAnnotation);
}

/** Live spans of the dataset overlapping [start, end]. */
export function overlappingRows(db: Db, datasetId: number, start: number, end: number): AnnotationRow[] {
  return db
    .prepare(
      'SELECT * FROM annotations WHERE dataset_id = ? AND deleted_at IS NULL AND start_time <= ? AND end_time >= ? ORDER BY start_time',
    )
    .all(datasetId, end, start) as AnnotationRow[];
}

export function insertRow(
  db: Db,
  id: string,
  s: AnnotationState,
  times: { createdAt: number; updatedAt: number },
  version = 1,
): void {
  db.prepare(
    `INSERT INTO annotations (id, dataset_id, label_id, start_time, end_time, kind, source, annotator, direction, note, version, deleted_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
  ).run(
    id,
    s.datasetId,
    s.labelId,
    s.start,
    s.end,
    s.kind,
    s.source,
    s.annotator,
    s.direction,
    s.note,
    version,
    times.createdAt,
    times.updatedAt,
  );
}

/** Writes the state (live) and bumps the version. */
export function writeState(db: Db, id: string, s: AnnotationState, now: number): void {
  db.prepare(
    `UPDATE annotations SET dataset_id = ?, label_id = ?, start_time = ?, end_time = ?, kind = ?, source = ?, annotator = ?, direction = ?, note = ?,
       deleted_at = NULL, version = version + 1, updated_at = ? WHERE id = ?`,
  ).run(s.datasetId, s.labelId, s.start, s.end, s.kind, s.source, s.annotator, s.direction, s.note, now, id);
}

export function softDelete(db: Db, id: string, now: number): void {
  db.prepare('UPDATE annotations SET deleted_at = ?, version = version + 1, updated_at = ? WHERE id = ?').run(
    now,
    now,
    id,
  );
}
