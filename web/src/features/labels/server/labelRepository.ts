import 'server-only';
import type { Db } from '@/server/db/database';
import { badRequest, conflict, notFound } from '@/server/http/apiError';
import type { Label, LabelSpanDisposition } from '../types';
import type { LabelCreate, LabelPatch } from '../schemas';

interface LabelRow {
  id: number;
  project_id: number;
  name: string;
  color: string;
  hotkey: number | null;
  description: string;
  span_count: number;
  created_at: number;
  updated_at: number;
}

const SELECT = `
  SELECT l.*, (SELECT COUNT(*) FROM annotations a WHERE a.label_id = l.id AND a.deleted_at IS NULL) AS span_count
  FROM labels l`;

const toLabel = (r: LabelRow): Label => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  color: r.color,
  hotkey: r.hotkey,
  description: r.description,
  spanCount: r.span_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function listLabels(db: Db, projectId: number): Label[] {
  const rows = db
    .prepare(`${SELECT} WHERE l.project_id = ? ORDER BY l.hotkey IS NULL, l.hotkey, l.name COLLATE NOCASE`)
    .all(projectId);
  return (rows as LabelRow[]).map(toLabel);
}

export function getLabel(db: Db, id: number): Label {
  const row = db.prepare(`${SELECT} WHERE l.id = ?`).get(id) as LabelRow | undefined;
  if (!row) throw notFound('Label', id);
  return toLabel(row);
}

export function findLabelByName(db: Db, projectId: number, name: string): Label | undefined {
  const row = db
    .prepare(`${SELECT} WHERE l.project_id = ? AND l.name = ? COLLATE NOCASE`)
    .get(projectId, name.trim()) as LabelRow | undefined;
  return row ? toLabel(row) : undefined;
}

function assertFree(db: Db, projectId: number, exceptId: number, name?: string, hotkey?: number | null): void {
  if (name !== undefined) {
    const clash = db
      .prepare('SELECT name FROM labels WHERE project_id = ? AND name = ? COLLATE NOCASE AND id <> ?')
      .get(projectId, name, exceptId);
    if (clash) throw conflict('NAME_TAKEN', `A label called "${name}" already exists.`);
  }
  if (hotkey !== undefined && hotkey !== null) {
    const clash = db
      .prepare('SELECT name FROM labels WHERE project_id = ? AND hotkey = ? AND id <> ?')
      .get(projectId, hotkey, exceptId) as { name: string } | undefined;
    if (clash)
      throw conflict('HOTKEY_TAKEN', `Hotkey ${hotkey} is already used by "${clash.name}". Clear it there first.`);
  }
}

export function createLabel(db: Db, projectId: number, input: LabelCreate): Label {
  return db
    .transaction(() => {
      assertFree(db, projectId, -1, input.name, input.hotkey ?? null);
      const now = Date.now();
      const { lastInsertRowid } = db
        .prepare(
          'INSERT INTO labels (project_id, name, color, hotkey, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(projectId, input.name, input.color, input.hotkey ?? null, input.description ?? '', now, now);
      return getLabel(db, Number(lastInsertRowid));
    })
    .immediate();
}

export function updateLabel(db: Db, id: number, patch: LabelPatch): Label {
  return db
    .transaction(() => {
      const current = getLabel(db, id);
      assertFree(db, current.projectId, id, patch.name, patch.hotkey);
      db.prepare('UPDATE labels SET name = ?, color = ?, hotkey = ?, description = ?, updated_at = ? WHERE id = ?').run(
        patch.name ?? current.name,
        patch.color ?? current.color,
        patch.hotkey === undefined ? current.hotkey : patch.hotkey,
        patch.description ?? current.description,
        Date.now(),
        id,
      );
      return getLabel(db, id);
    })
    .immediate();
}

/**
 * Deletes a label. A label with live spans needs a disposition: delete those spans, or reassign
 * them to another label of the same project (409 LABEL_IN_USE otherwise, nothing changed).
 */
export function deleteLabel(
  db: Db,
  id: number,
  disposition?: LabelSpanDisposition,
): { deletedSpans: number; reassignedSpans: number } {
  return db
    .transaction(() => {
      const label = getLabel(db, id);
      if (label.spanCount > 0 && !disposition) {
        throw conflict(
          'LABEL_IN_USE',
          `"${label.name}" is used by ${label.spanCount} span${label.spanCount === 1 ? '' : 's'}: delete them or reassign them to another label.`,
          { spanCount: label.spanCount },
        );
      }
      let deletedSpans = 0;
      let reassignedSpans = 0;
      const now = Date.now();
      if (disposition?.spans === 'reassign') {
        if (disposition.reassignTo === id)
          throw badRequest('INVALID_REASSIGN', 'Spans cannot be reassigned to the label being deleted.');
        const target = getLabel(db, disposition.reassignTo);
        if (target.projectId !== label.projectId)
          throw badRequest('INVALID_REASSIGN', 'The target label belongs to another project.');
        reassignedSpans = label.spanCount;
        // Every row moves (soft-deleted ones too: the label row is going away).
        db.prepare('UPDATE annotations SET label_id = ?, version = version + 1, updated_at = ? WHERE label_id = ?').run(
          target.id,
          now,
          id,
        );
      } else {
        deletedSpans = label.spanCount;
        db.prepare('DELETE FROM annotations WHERE label_id = ?').run(id);
      }
      db.prepare('DELETE FROM labels WHERE id = ?').run(id);
      return { deletedSpans, reassignedSpans };
    })
    .immediate();
}
