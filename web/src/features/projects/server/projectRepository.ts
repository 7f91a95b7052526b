import 'server-only';
import type { Db } from '@/server/db/database';
import { conflict, notFound } from '@/server/http/apiError';
import { DEFAULT_LABELS } from '@/features/labels';
import type { OverlapPolicy, Project } from '../types';

interface ProjectRow {
  id: number;
  name: string;
  overlap_policy: OverlapPolicy;
  created_at: number;
  updated_at: number;
}

const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  overlapPolicy: r.overlap_policy,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const DEFAULT_PROJECT_NAME = 'Default project';

/**
 * The default project, created on first use together with the default label schema.
 * Idempotent: the seeding is recorded in app_meta, so labels a user deleted stay deleted.
 */
export function defaultProject(db: Db): Project {
  const existing = db.prepare('SELECT * FROM projects ORDER BY id LIMIT 1').get() as ProjectRow | undefined;
  if (existing) return toProject(existing);
  return db
    .transaction(() => {
      const again = db.prepare('SELECT * FROM projects ORDER BY id LIMIT 1').get() as ProjectRow | undefined;
      if (again) return toProject(again);
      const now = Date.now();
      const { lastInsertRowid } = db
        .prepare('INSERT INTO projects (name, overlap_policy, created_at, updated_at) VALUES (?, ?, ?, ?)')
        .run(DEFAULT_PROJECT_NAME, 'allow', now, now);
      const projectId = Number(lastInsertRowid);
      const insertLabel = db.prepare(
        'INSERT INTO labels (project_id, name, color, hotkey, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const l of DEFAULT_LABELS) insertLabel.run(projectId, l.name, l.color, l.hotkey, l.description, now, now);
      db.prepare("INSERT OR REPLACE INTO app_meta (key, value) VALUES ('default_labels_seeded', ?)").run(String(now));
      return toProject(db.prepare('SELECT * FROM projects WHERE id = ?').get(projectId) as ProjectRow);
    })
    .immediate();
}

export function getProject(db: Db, id: number): Project {
  const row = db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
  if (!row) throw notFound('Project', id);
  return toProject(row);
}

/** The project a request names (`projectId`), or the default one. */
export function resolveProject(db: Db, projectId?: number): Project {
  return projectId === undefined ? defaultProject(db) : getProject(db, projectId);
}

export function updateProject(db: Db, id: number, patch: { name?: string; overlapPolicy?: OverlapPolicy }): Project {
  const current = getProject(db, id);
  const name = patch.name ?? current.name;
  const clash = db.prepare('SELECT id FROM projects WHERE name = ? AND id <> ?').get(name, id);
  if (clash) throw conflict('NAME_TAKEN', `Another project is already called "${name}".`);
  db.prepare('UPDATE projects SET name = ?, overlap_policy = ?, updated_at = ? WHERE id = ?').run(
    name,
    patch.overlapPolicy ?? current.overlapPolicy,
    Date.now(),
    id,
  );
  return getProject(db, id);
}
