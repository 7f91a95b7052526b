import 'server-only';
import type { Db } from '@/server/db/database';

/** A Label Studio annotation whose regions are stored as spans (migration 4). */
export interface LsAnnotationRow {
  ls_annotation_id: string;
  ls_task_id: string | null;
  /** The annotation's updated_at (epoch ms) last applied; null when Label Studio sent none. */
  ls_updated_at: number | null;
  synced_at: number;
}

/** Which span one region of a Label Studio annotation produced. */
export interface LsLinkRow {
  ls_annotation_id: string;
  region_key: string;
  ls_region_id: string | null;
  annotation_id: string;
}

export function findLsAnnotation(db: Db, lsAnnotationId: string): LsAnnotationRow | undefined {
  return db.prepare('SELECT * FROM ls_annotations WHERE ls_annotation_id = ?').get(lsAnnotationId) as LsAnnotationRow | undefined;
}

/** Records (or refreshes) the annotation; `updatedAt` null keeps the stamp already recorded. */
export function upsertLsAnnotation(db: Db, a: { id: string; taskId: string | null; updatedAt: number | null; now: number }): void {
  db.prepare(
    `INSERT INTO ls_annotations (ls_annotation_id, ls_task_id, ls_updated_at, synced_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (ls_annotation_id) DO UPDATE SET
       ls_task_id = COALESCE(excluded.ls_task_id, ls_task_id),
       ls_updated_at = COALESCE(excluded.ls_updated_at, ls_updated_at),
       synced_at = excluded.synced_at`,
  ).run(a.id, a.taskId, a.updatedAt, a.now);
}

/** Forgets the annotation; its links go with it (ON DELETE CASCADE). */
export function deleteLsAnnotation(db: Db, lsAnnotationId: string): void {
  db.prepare('DELETE FROM ls_annotations WHERE ls_annotation_id = ?').run(lsAnnotationId);
}

/** The ids of the annotations recorded for these Label Studio tasks. */
export function lsAnnotationIdsForTasks(db: Db, taskIds: readonly string[]): string[] {
  const stmt = db.prepare('SELECT ls_annotation_id FROM ls_annotations WHERE ls_task_id = ? ORDER BY ls_annotation_id').pluck();
  return [...new Set(taskIds.flatMap((t) => stmt.all(t) as string[]))];
}

export function linksOf(db: Db, lsAnnotationId: string): LsLinkRow[] {
  return db.prepare('SELECT * FROM ls_annotation_spans WHERE ls_annotation_id = ? ORDER BY region_key').all(lsAnnotationId) as LsLinkRow[];
}

/** The Label Studio annotations that own the span. */
export function ownersOf(db: Db, annotationId: string): string[] {
  return db.prepare('SELECT ls_annotation_id FROM ls_annotation_spans WHERE annotation_id = ?').pluck().all(annotationId) as string[];
}

export function putLink(db: Db, link: LsLinkRow): void {
  db.prepare(
    `INSERT INTO ls_annotation_spans (ls_annotation_id, region_key, ls_region_id, annotation_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (ls_annotation_id, region_key) DO UPDATE SET ls_region_id = excluded.ls_region_id, annotation_id = excluded.annotation_id`,
  ).run(link.ls_annotation_id, link.region_key, link.ls_region_id, link.annotation_id);
}

export function removeLink(db: Db, lsAnnotationId: string, regionKey: string): void {
  db.prepare('DELETE FROM ls_annotation_spans WHERE ls_annotation_id = ? AND region_key = ?').run(lsAnnotationId, regionKey);
}
