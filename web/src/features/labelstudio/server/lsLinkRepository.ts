import 'server-only';
import type { Db } from '@/server/db/database';

/** A Label Studio annotation whose regions are stored as spans (migration 4). */
export interface LsAnnotationRow {
  ls_annotation_id: string;
  ls_task_id: string | null;
  /** The annotation's updated_at (epoch ms) last applied; null when Label Studio sent none. */
  ls_updated_at: number | null;
  synced_at: number;
  /** The task identity (ls_tasks row) the annotation was last stored for (migration 5). */
  task_ref: number | null;
  project_uid: string | null;
}

/** Which span one region of a Label Studio annotation produced. */
export interface LsLinkRow {
  ls_annotation_id: string;
  region_key: string;
  ls_region_id: string | null;
  annotation_id: string;
}

export function findLsAnnotation(db: Db, lsAnnotationId: string): LsAnnotationRow | undefined {
  return db.prepare('SELECT * FROM ls_annotations WHERE ls_annotation_id = ?').get(lsAnnotationId) as
    LsAnnotationRow | undefined;
}

/** Records (or refreshes) the annotation; `updatedAt` null keeps the stamp already recorded. */
export function upsertLsAnnotation(
  db: Db,
  a: {
    id: string;
    taskId: string | null;
    updatedAt: number | null;
    now: number;
    taskRef?: number | null;
    projectUid?: string | null;
  },
): void {
  db.prepare(
    `INSERT INTO ls_annotations (ls_annotation_id, ls_task_id, ls_updated_at, synced_at, task_ref, project_uid) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (ls_annotation_id) DO UPDATE SET
       ls_task_id = COALESCE(excluded.ls_task_id, ls_task_id),
       ls_updated_at = COALESCE(excluded.ls_updated_at, ls_updated_at),
       task_ref = COALESCE(excluded.task_ref, task_ref),
       project_uid = COALESCE(excluded.project_uid, project_uid),
       synced_at = excluded.synced_at`,
  ).run(a.id, a.taskId, a.updatedAt, a.now, a.taskRef ?? null, a.projectUid ?? null);
}

/** Forgets the annotation; its links go with it (ON DELETE CASCADE). */
export function deleteLsAnnotation(db: Db, lsAnnotationId: string): void {
  db.prepare('DELETE FROM ls_annotations WHERE ls_annotation_id = ?').run(lsAnnotationId);
}

/**
 * The ids of the annotations recorded for these task identities (ls_tasks rows), plus those
 * recorded before identities existed (no task_ref) under these Label Studio task ids, when their
 * project is unknown or the same.
 */
export function lsAnnotationIdsForTasks(
  db: Db,
  taskRefs: readonly number[],
  legacy: { taskIds: readonly string[]; projectId: string | null },
): string[] {
  const byRef = db.prepare('SELECT ls_annotation_id FROM ls_annotations WHERE task_ref = ?').pluck();
  const byTaskId = db
    .prepare(
      `SELECT ls_annotation_id FROM ls_annotations WHERE ls_task_id = ? AND task_ref IS NULL
         AND (project_uid IS NULL OR ? IS NULL OR project_uid = ? OR project_uid LIKE ? || '.%')`,
    )
    .pluck();
  const p = legacy.projectId;
  return [
    ...new Set([
      ...taskRefs.flatMap((r) => byRef.all(r) as string[]),
      ...legacy.taskIds.flatMap((t) => byTaskId.all(t, p, p, p) as string[]),
    ]),
  ].sort();
}

export function linksOf(db: Db, lsAnnotationId: string): LsLinkRow[] {
  return db
    .prepare('SELECT * FROM ls_annotation_spans WHERE ls_annotation_id = ? ORDER BY region_key')
    .all(lsAnnotationId) as LsLinkRow[];
}

/** The Label Studio annotations that own the span. */
export function ownersOf(db: Db, annotationId: string): string[] {
  return db
    .prepare('SELECT ls_annotation_id FROM ls_annotation_spans WHERE annotation_id = ?')
    .pluck()
    .all(annotationId) as string[];
}

export function putLink(db: Db, link: LsLinkRow): void {
  db.prepare(
    `INSERT INTO ls_annotation_spans (ls_annotation_id, region_key, ls_region_id, annotation_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (ls_annotation_id, region_key) DO UPDATE SET ls_region_id = excluded.ls_region_id, annotation_id = excluded.annotation_id`,
  ).run(link.ls_annotation_id, link.region_key, link.ls_region_id, link.annotation_id);
}

export function removeLink(db: Db, lsAnnotationId: string, regionKey: string): void {
  db.prepare('DELETE FROM ls_annotation_spans WHERE ls_annotation_id = ? AND region_key = ?').run(
    lsAnnotationId,
    regionKey,
  );
}
