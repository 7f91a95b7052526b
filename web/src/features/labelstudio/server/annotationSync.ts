import 'server-only';
import type { Db } from '@/server/db/database';
import { badRequest } from '@/server/http/apiError';
import { getDataset } from '@/features/datasets/server';
import { resolveProject } from '@/features/projects/server';
import {
  findRow,
  type AnnotationRow,
  withOperations,
  type AnnotationPatch,
  type BulkOperation,
} from '@/features/annotations/server';
import type { Annotation, AnnotationChange, AnnotationState } from '@/features/annotations';
import { type ParsedImport, type SpanImportReport } from '@/features/interchange';
import { resolveSpans } from '@/features/interchange/server';
import {
  deleteLsAnnotation,
  findLsAnnotation,
  linksOf,
  ownersOf,
  putLink,
  removeLink,
  upsertLsAnnotation,
  type LsLinkRow,
} from './lsLinkRepository';

/**
 * Label Studio is the source of truth for the spans its annotations produced: each webhook
 * replaces them with the annotation's current regions (label, range, and the note when the region
 * has one). Edits made here to such a span are overwritten by the annotation's next update, and a
 * span deleted here comes back then; spans Label Studio does not own are never touched.
 * See docs/label-studio.md.
 */

type Apply = (op: BulkOperation) => Annotation | null;

export interface SyncCounts {
  /** New spans. */
  created: number;
  /** Spans moved, relabelled or restored to match their region. */
  updated: number;
  /** Spans whose region is gone. */
  deleted: number;
  /** Regions whose span already matched (kept with its id and version). */
  unchanged: number;
  /** Regions equal to a live span this annotation does not own (drawn here or imported): not stored twice, not taken over. */
  duplicates: number;
}

export interface SyncResult {
  counts: SyncCounts;
  report: SpanImportReport;
  changes: AnnotationChange[];
}

export interface SyncInput {
  /** The Label Studio annotation id; null = an annotation without id: stored like a file import, not tracked. */
  lsAnnotationId: string | null;
  lsTaskId: string | null;
  /** The annotation's updated_at (epoch ms), when sent. */
  lsUpdatedAt: number | null;
  /** The task identity (ls_tasks row) and Label Studio project uid, when known. */
  taskRef?: number | null;
  projectUid?: string | null;
  datasetId: number;
  annotator: string | undefined;
  /** The annotation as parsed by the Label Studio import mapping (one annotation). */
  parsed: ParsedImport;
}

interface Target {
  key: string;
  regionId: string | null;
  state: AnnotationState;
}

const emptyCounts = (): SyncCounts => ({ created: 0, updated: 0, deleted: 0, unchanged: 0, duplicates: 0 });

/** Lets go of a link; the span is deleted when no other Label Studio annotation owns it. */
function release(db: Db, apply: Apply, link: LsLinkRow, counts: SyncCounts): void {
  removeLink(db, link.ls_annotation_id, link.region_key);
  const row = findRow(db, link.annotation_id);
  if (!row || row.deleted_at !== null || ownersOf(db, row.id).length > 0) return;
  apply({ op: 'delete', id: row.id, version: row.version });
  counts.deleted++;
}

/** What has to change for the span to match its region (empty = it matches). */
function diff(row: AnnotationRow, t: AnnotationState): AnnotationPatch {
  const patch: AnnotationPatch = {};
  if (row.label_id !== t.labelId) patch.labelId = t.labelId;
  if (row.start_time !== t.start || row.end_time !== t.end) Object.assign(patch, { start: t.start, end: t.end });
  if (row.kind !== t.kind) patch.kind = t.kind;
  if (row.source !== t.source) patch.source = t.source;
  // A region without a note leaves a note written here alone.
  if (t.note !== null && row.note !== t.note) patch.note = t.note;
  return patch;
}

/**
 * The region keys: the region id (plus '#<n>' for the n-th extra label of a multi-label region),
 * else label and range; repeated keys get '~<n>' so every region keeps its own span.
 */
function targetsOf(resolved: ReturnType<typeof resolveSpans>['resolved'], annotator: string | undefined): Target[] {
  const seen = new Map<string, number>();
  return resolved.map(({ span, dataset, labelId, range }) => {
    const base =
      span.regionId !== undefined
        ? `r:${span.regionId}${span.labelIndex ? `#${span.labelIndex}` : ''}`
        : `c:${labelId}:${range.start}:${range.end}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return {
      key: n === 0 ? base : `${base}~${n}`,
      regionId: span.regionId ?? null,
      state: {
        datasetId: dataset.id,
        labelId,
        ...range,
        kind: 'positive',
        source: 'human',
        annotator: annotator ?? '',
        direction: null,
        note: span.note?.trim() ? span.note : null,
      },
    };
  });
}

/**
 * Replaces the spans the Label Studio annotation produced earlier with its current regions, in
 * one transaction through the annotation service (versions bumped, changes reported, overlap
 * policy applied). A region whose span matches keeps that span (same id and version), so an
 * unchanged update is a no-op and undo/redo in open tabs stays valid; a moved or relabelled
 * region updates its span in place; a region gone (or no longer resolvable) deletes its span.
 * Regions none of which resolve are a 400 NOTHING_IMPORTED and change nothing (likely a task
 * pointing at the wrong dataset, not a person deleting everything).
 */
export function syncAnnotation(db: Db, input: SyncInput): SyncResult {
  const counts = emptyCounts();
  const lsId = input.lsAnnotationId;
  const { value: report, changes } = withOperations(db, { annotator: input.annotator }, (apply) => {
    const now = Date.now();
    const dataset = getDataset(db, input.datasetId);
    const project = resolveProject(db, dataset.projectId);
    const resolution = resolveSpans(db, input.parsed.spans, {
      fixedDataset: dataset,
      project,
      timeUnit: 'auto',
      createLabels: true,
      now,
    });
    const skipped = [...input.parsed.problems, ...resolution.skipped].sort((a, b) => a.position - b.position);
    if (resolution.resolved.length === 0) {
      const first = skipped[0];
      throw badRequest(
        'NOTHING_IMPORTED',
        `No region could be stored${first ? ` (region ${first.position}: ${first.reason})` : ''}.`,
        { skipped: skipped.slice(0, 100) },
      );
    }
    const targets = targetsOf(resolution.resolved, input.annotator);

    const links = new Map<string, LsLinkRow>();
    if (lsId) {
      upsertLsAnnotation(db, {
        id: lsId,
        taskId: input.lsTaskId,
        updatedAt: input.lsUpdatedAt,
        now,
        taskRef: input.taskRef,
        projectUid: input.projectUid,
      });
      for (const link of linksOf(db, lsId)) links.set(link.region_key, link);
    }
    // Regions gone first: fewer spans for an overlap split to cut while the rest is written.
    const wanted = new Set(targets.map((t) => t.key));
    for (const link of links.values()) if (!wanted.has(link.region_key)) release(db, apply, link, counts);

    const match = db.prepare(
      `SELECT a.* FROM annotations a
        WHERE a.dataset_id = ? AND a.label_id = ? AND a.start_time = ? AND a.end_time = ? AND a.kind = 'positive' AND a.source = 'human' AND a.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM ls_annotation_spans l WHERE l.annotation_id = a.id AND l.ls_annotation_id = ?)
        ORDER BY a.created_at, a.id LIMIT 1`,
    );
    for (const t of targets) {
      const link = links.get(t.key);
      if (link) {
        // Read just now: an earlier write of this sync (overlap split) may have changed it.
        const row = findRow(db, link.annotation_id);
        if (row && row.dataset_id === t.state.datasetId) {
          const patch = diff(row, t.state);
          const same = Object.keys(patch).length === 0;
          // A span other annotations own too is only changed when they would see no difference.
          if (same || ownersOf(db, row.id).every((o) => o === lsId)) {
            if (row.deleted_at !== null) {
              apply({
                op: 'restore',
                id: row.id,
                version: row.version,
                state: {
                  ...t.state,
                  datasetId: row.dataset_id,
                  annotator: row.annotator,
                  direction: row.direction,
                  note: t.state.note ?? row.note,
                },
              });
              counts.updated++;
            } else if (same) counts.unchanged++;
            else {
              apply({ op: 'update', id: row.id, version: row.version, patch });
              counts.updated++;
            }
            if (link.ls_region_id !== t.regionId) putLink(db, { ...link, ls_region_id: t.regionId });
            continue;
          }
        }
        release(db, apply, link, counts);
      }
      const existing = match.get(t.state.datasetId, t.state.labelId, t.state.start, t.state.end, lsId) as
        AnnotationRow | undefined;
      if (existing) {
        // Co-own a span another Label Studio annotation produced, or adopt one stored for the same
        // annotator before links were recorded (webhooks before migration 4); a span someone drew
        // here is only counted.
        const owned = ownersOf(db, existing.id).length > 0;
        const adopt = owned || (input.annotator !== undefined && existing.annotator === input.annotator);
        if (lsId && adopt) {
          putLink(db, {
            ls_annotation_id: lsId,
            region_key: t.key,
            ls_region_id: t.regionId,
            annotation_id: existing.id,
          });
          counts.unchanged++;
        } else counts.duplicates++;
        continue;
      }
      const { datasetId, labelId, start, end, note } = t.state;
      const created = apply({
        op: 'create',
        annotation: {
          datasetId,
          labelId,
          start,
          end,
          kind: 'positive',
          source: 'human',
          ...(input.annotator ? { annotator: input.annotator } : {}),
          note,
        },
      })!;
      counts.created++;
      if (lsId)
        putLink(db, { ls_annotation_id: lsId, region_key: t.key, ls_region_id: t.regionId, annotation_id: created.id });
    }
    const result: SpanImportReport = {
      format: 'labelstudio',
      imported: counts.created,
      duplicates: counts.unchanged + counts.duplicates,
      skipped: skipped.slice(0, 500),
      createdLabels: resolution.createdLabels,
      datasets: counts.created ? [{ id: dataset.id, name: dataset.name, imported: counts.created }] : [],
    };
    return result;
  });
  return { counts, report, changes };
}

export interface ForgetResult {
  /** The Label Studio annotations (of those named) that were recorded here. */
  annotations: string[];
  /** Spans deleted (those no other Label Studio annotation still owns). */
  deleted: number;
  changes: AnnotationChange[];
}

/**
 * Label Studio deleted these annotations (or their tasks): deletes the spans they produced and
 * forgets them. Unknown ids are fine (nothing recorded). One transaction.
 */
export function forgetAnnotations(db: Db, lsAnnotationIds: readonly string[], annotator?: string): ForgetResult {
  const counts = emptyCounts();
  const { value: annotations, changes } = withOperations(db, { annotator }, (apply) => {
    const known = [...new Set(lsAnnotationIds)].filter((id) => findLsAnnotation(db, id));
    for (const id of known) {
      for (const link of linksOf(db, id)) release(db, apply, link, counts);
      deleteLsAnnotation(db, id);
    }
    return known;
  });
  return { annotations, deleted: counts.deleted, changes };
}

/**
 * An update that has no regions any more (all deleted in Label Studio, or the annotation was
 * turned into a skip): deletes the spans it produced, keeps the annotation recorded (its
 * updated_at still guards against late older webhooks).
 */
export function clearAnnotation(
  db: Db,
  input: Pick<SyncInput, 'lsTaskId' | 'lsUpdatedAt' | 'annotator' | 'taskRef' | 'projectUid'> & {
    lsAnnotationId: string;
  },
): ForgetResult {
  const counts = emptyCounts();
  const { changes } = withOperations(db, { annotator: input.annotator }, (apply) => {
    upsertLsAnnotation(db, {
      id: input.lsAnnotationId,
      taskId: input.lsTaskId,
      updatedAt: input.lsUpdatedAt,
      now: Date.now(),
      taskRef: input.taskRef,
      projectUid: input.projectUid,
    });
    for (const link of linksOf(db, input.lsAnnotationId)) release(db, apply, link, counts);
  });
  return { annotations: [input.lsAnnotationId], deleted: counts.deleted, changes };
}
