import 'server-only';
import type { Db } from '@/server/db/database';

/** A Label Studio task mapped to a dataset: (project uid, task id, data fingerprint) (migration 5). */
export interface LsTaskRow {
  id: number;
  project_uid: string;
  ls_task_id: string;
  fingerprint: string;
  dataset_id: number;
  created_at: number;
}

export function findLsTask(db: Db, projectUid: string, lsTaskId: string, fingerprint: string): LsTaskRow | undefined {
  return db
    .prepare('SELECT * FROM ls_tasks WHERE project_uid = ? AND ls_task_id = ? AND fingerprint = ?')
    .get(projectUid, lsTaskId, fingerprint) as LsTaskRow | undefined;
}

export function insertLsTask(
  db: Db,
  t: { projectUid: string; lsTaskId: string; fingerprint: string; datasetId: number; now: number },
): LsTaskRow {
  const { lastInsertRowid } = db
    .prepare(
      'INSERT INTO ls_tasks (project_uid, ls_task_id, fingerprint, dataset_id, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(t.projectUid, t.lsTaskId, t.fingerprint, t.datasetId, t.now);
  return db.prepare('SELECT * FROM ls_tasks WHERE id = ?').get(lastInsertRowid) as LsTaskRow;
}

/**
 * The task rows for these Label Studio task ids in the project (every fingerprint), or for the
 * whole project when `taskIds` is null. A project uid without the creation stamp matches every
 * project with that id.
 */
export function lsTaskRows(db: Db, projectUid: string, taskIds: readonly string[] | null): LsTaskRow[] {
  const match = projectUid.includes('.') ? 'project_uid = ?' : "(project_uid = ? OR project_uid LIKE ? || '.%')";
  const args = projectUid.includes('.') ? [projectUid] : [projectUid, projectUid];
  const rows = db.prepare(`SELECT * FROM ls_tasks WHERE ${match} ORDER BY id`).all(...args) as LsTaskRow[];
  if (taskIds === null) return rows;
  const wanted = new Set(taskIds);
  return rows.filter((r) => wanted.has(r.ls_task_id));
}

export function deleteLsTasks(db: Db, ids: readonly number[]): void {
  const del = db.prepare('DELETE FROM ls_tasks WHERE id = ?');
  for (const id of ids) del.run(id);
}
