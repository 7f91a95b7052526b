import 'server-only';
import type { Db } from '@/server/db/database';
import type { SyncProblem } from '../types';

interface Row {
  id: number;
  action: string;
  project_uid: string | null;
  ls_task_id: string | null;
  ls_annotation_id: string | null;
  payload: string;
  code: string;
  message: string;
  attempts: number;
  received_at: number;
  last_tried_at: number;
  resolved_at: number | null;
  resolution: string | null;
}

const toProblem = (r: Row): SyncProblem => ({
  id: r.id,
  action: r.action,
  project: r.project_uid,
  task: r.ls_task_id,
  annotation: r.ls_annotation_id,
  code: r.code,
  message: r.message,
  attempts: r.attempts,
  receivedAt: r.received_at,
  lastTriedAt: r.last_tried_at,
  resolvedAt: r.resolved_at,
  resolution: r.resolution as SyncProblem['resolution'],
});

export interface NewProblem {
  action: string;
  projectUid: string | null;
  lsTaskId: string | null;
  lsAnnotationId: string | null;
  payload: unknown;
  code: string;
  message: string;
  now: number;
}

export function insertSyncProblem(db: Db, p: NewProblem): SyncProblem {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO ls_sync_problems (action, project_uid, ls_task_id, ls_annotation_id, payload, code, message, received_at, last_tried_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      p.action,
      p.projectUid,
      p.lsTaskId,
      p.lsAnnotationId,
      JSON.stringify(p.payload),
      p.code,
      p.message,
      p.now,
      p.now,
    );
  return getSyncProblem(db, Number(lastInsertRowid))!;
}

export function getSyncProblem(db: Db, id: number): SyncProblem | undefined {
  const row = db.prepare('SELECT * FROM ls_sync_problems WHERE id = ?').get(id) as Row | undefined;
  return row && toProblem(row);
}

export function syncProblemPayload(db: Db, id: number): unknown {
  const payload = db.prepare('SELECT payload FROM ls_sync_problems WHERE id = ?').pluck().get(id) as string | undefined;
  return payload === undefined ? undefined : JSON.parse(payload);
}

/** Open problems first (newest first), then the latest resolved ones. */
export function listSyncProblems(db: Db, options: { includeResolved: boolean; limit: number }): SyncProblem[] {
  const where = options.includeResolved ? '' : 'WHERE resolved_at IS NULL';
  return (
    db
      .prepare(
        `SELECT * FROM ls_sync_problems ${where} ORDER BY resolved_at IS NOT NULL, received_at DESC, id DESC LIMIT ?`,
      )
      .all(options.limit) as Row[]
  ).map(toProblem);
}

export function countOpenSyncProblems(db: Db): number {
  return db.prepare('SELECT COUNT(*) FROM ls_sync_problems WHERE resolved_at IS NULL').pluck().get() as number;
}

/** A retry that failed again: the new reason, one more attempt. */
export function recordFailedRetry(db: Db, id: number, code: string, message: string, now: number): void {
  db.prepare(
    'UPDATE ls_sync_problems SET code = ?, message = ?, attempts = attempts + 1, last_tried_at = ? WHERE id = ?',
  ).run(code, message, now, id);
}

export function resolveSyncProblem(db: Db, id: number, resolution: 'applied' | 'dismissed', now: number): void {
  db.prepare(
    `UPDATE ls_sync_problems SET resolved_at = ?, resolution = ?, last_tried_at = CASE WHEN ? = 'applied' THEN ? ELSE last_tried_at END,
       attempts = attempts + CASE WHEN ? = 'applied' THEN 1 ELSE 0 END WHERE id = ?`,
  ).run(now, resolution, resolution, now, resolution, id);
}
