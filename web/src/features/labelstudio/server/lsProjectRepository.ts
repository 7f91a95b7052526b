import 'server-only';
import type { Db } from '@/server/db/database';
import type { ExtraParams } from '../lib/extraParams';

/** A Label Studio project as its latest /setup described it (migration 5). */
export interface LsProject {
  projectUid: string;
  projectId: string;
  labelConfig: string;
  hostname: string | null;
  accessToken: string | null;
  extraParams: ExtraParams;
  updatedAt: number;
}

interface Row {
  project_uid: string;
  project_id: string;
  label_config: string;
  hostname: string | null;
  access_token: string | null;
  extra_params: string | null;
  updated_at: number;
}

const toProject = (r: Row): LsProject => ({
  projectUid: r.project_uid,
  projectId: r.project_id,
  labelConfig: r.label_config,
  hostname: r.hostname,
  accessToken: r.access_token,
  extraParams: r.extra_params ? (JSON.parse(r.extra_params) as ExtraParams) : {},
  updatedAt: r.updated_at,
});

/** The project id part of a Label Studio project uid (`"3.1700000000"` → `"3"`). */
export const projectIdOf = (uid: string) => uid.split('.')[0];

export function saveLsProject(db: Db, p: Omit<LsProject, 'projectId'>): void {
  db.prepare(
    `INSERT INTO ls_projects (project_uid, project_id, label_config, hostname, access_token, extra_params, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (project_uid) DO UPDATE SET label_config = excluded.label_config, hostname = excluded.hostname,
       access_token = excluded.access_token, extra_params = excluded.extra_params, updated_at = excluded.updated_at`,
  ).run(
    p.projectUid,
    projectIdOf(p.projectUid),
    p.labelConfig,
    p.hostname,
    p.accessToken,
    JSON.stringify(p.extraParams),
    p.updatedAt,
  );
}

/**
 * The project by its uid (else, for a full uid, a project set up under the bare id); for a bare
 * id (API calls, PROJECT_DELETED), the project with that id set up last.
 */
export function findLsProject(db: Db, uid: string): LsProject | undefined {
  const exact = db.prepare('SELECT * FROM ls_projects WHERE project_uid = ?').get(uid) as Row | undefined;
  if (exact) return toProject(exact);
  if (uid.includes('.')) {
    // Set up under its bare id (an API client), asked for by its full uid.
    const bare = db.prepare('SELECT * FROM ls_projects WHERE project_uid = ?').get(projectIdOf(uid)) as Row | undefined;
    return bare && toProject(bare);
  }
  const latest = db
    .prepare('SELECT * FROM ls_projects WHERE project_id = ? ORDER BY updated_at DESC LIMIT 1')
    .get(uid) as Row | undefined;
  return latest && toProject(latest);
}

/** Forgets every project with this Label Studio id (PROJECT_DELETED names the id only). */
export function deleteLsProjects(db: Db, projectId: string): string[] {
  const uids = db
    .prepare('SELECT project_uid FROM ls_projects WHERE project_id = ?')
    .pluck()
    .all(projectId) as string[];
  db.prepare('DELETE FROM ls_projects WHERE project_id = ?').run(projectId);
  return uids;
}
