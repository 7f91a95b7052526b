import 'server-only';
import type { ZodError } from 'zod';
import type { Db } from '@/server/db/database';
import { ApiError, badRequest, notFound } from '@/server/http/apiError';
import { engineApiError } from '@/server/http/engineErrors';
import { describeZodError } from '@/server/http/handler';
import { findDatasetByName, getDataset, insertDataset } from '@/features/datasets/server';
import { resolveProject } from '@/features/projects/server';
import { toColumns } from '@/features/predictions/server';
import type { CandleColumns } from '@/server/engine';
import { ImportParseError, parseLabelStudio, type SpanImportReport } from '@/features/interchange';
import type { AnnotationChange } from '@/features/annotations';
import { LabelConfigError, parseLabelConfig, type TimeSeriesLabelsControl } from '../lib/labelConfig';
import { taskSeries } from '../lib/taskSeries';
import { projectUidOf, taskFingerprint } from '../lib/taskIdentity';
import type { SyncProblem } from '../types';
import { clearAnnotation, forgetAnnotations, syncAnnotation, type SyncCounts } from './annotationSync';
import { findLsAnnotation, lsAnnotationIdsForTasks } from './lsLinkRepository';
import { deleteLsProjects, findLsProject, projectIdOf } from './lsProjectRepository';
import { deleteLsTasks, findLsTask, insertLsTask, lsTaskRows } from './lsTaskRepository';
import { loadTaskFile } from './taskFiles';
import { startTraining, type TrainingStartResponse } from './mlBackend';
import {
  getSyncProblem,
  insertSyncProblem,
  recordFailedRetry,
  resolveSyncProblem,
  syncProblemPayload,
} from './syncProblemRepository';
import {
  lsAnnotationSchema,
  lsIdListSchema,
  lsTaskSchema,
  lsWebhookSchema,
  type LsTask,
  type LsWebhook,
} from '../schemas';

/**
 * Label Studio webhooks. Every event is idempotent (a repeated one changes nothing), and an event
 * that cannot be applied is stored as a sync problem (shown in the app, retried from there) —
 * Label Studio never resends a webhook, so nothing it sent is dropped silently.
 */

export type AnnotationResult =
  | { status: 'ignored'; action: string; reason: string }
  | {
      status: 'stored';
      action: string;
      datasetId: number;
      report: SpanImportReport;
      sync: SyncCounts & { lsAnnotationId: string | null };
      changes: AnnotationChange[];
    }
  | { status: 'deleted'; action: string; annotations: string[]; deleted: number; changes: AnnotationChange[] };

export type WebhookResponse =
  | AnnotationResult
  | ({ action: string } & TrainingStartResponse)
  | {
      status: 'bulk';
      action: string;
      applied: number;
      failed: number;
      items: Array<
        | (AnnotationResult & { annotation: string | null })
        | { status: 'failed'; annotation: string | null; code: string; message: string; problemId: number }
      >;
    };

const HANDLED = [
  'ANNOTATION_CREATED',
  'ANNOTATIONS_CREATED',
  'ANNOTATION_UPDATED',
  'ANNOTATIONS_DELETED',
  'TASKS_DELETED',
  'PROJECT_DELETED',
  'START_TRAINING',
] as const;

function parsePart<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest('VALIDATION_FAILED', `${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Label Studio's `completed_by` (a user id, an email, or a user object) as our annotator name. */
function annotatorOf(completedBy: unknown): string | undefined {
  if (typeof completedBy === 'string' && completedBy.trim()) return completedBy.trim().slice(0, 80);
  if (typeof completedBy === 'number') return `label-studio:${completedBy}`;
  if (completedBy && typeof completedBy === 'object') {
    const u = completedBy as { email?: unknown; username?: unknown; id?: unknown };
    if (typeof u.email === 'string' && u.email) return u.email.slice(0, 80);
    if (typeof u.username === 'string' && u.username) return u.username.slice(0, 80);
    if (typeof u.id === 'number') return `label-studio:${u.id}`;
  }
  return undefined;
}

/** An ISO time from Label Studio as epoch ms (null when absent or unreadable). */
function stamp(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

interface EventProject {
  /** Label Studio's project uid (or bare id); '' when the event names no project. */
  uid: string;
  control: TimeSeriesLabelsControl | null;
  hostname: string | null;
  accessToken: string | null;
}

/** The event's project: its uid, its config (sent with the event, else the one /setup stored) and file access. */
function eventProject(db: Db, project: LsWebhook['project']): EventProject {
  const uid = projectUidOf(project as never) ?? '';
  const stored = uid ? findLsProject(db, uid) : undefined;
  const xml = (typeof project === 'object' && project?.label_config) || stored?.labelConfig;
  let control: TimeSeriesLabelsControl | null = null;
  if (xml) {
    try {
      control = parseLabelConfig(xml);
    } catch (error) {
      // Regions carry their own times; the config only locates the series of tasks without a dataset.
      if (!(error instanceof LabelConfigError)) throw error;
    }
  }
  return { uid, control, hostname: stored?.hostname ?? null, accessToken: stored?.accessToken ?? null };
}

/** Where an annotation's task lives: an existing dataset, or candles to create one from. */
type TaskTarget = { kind: 'dataset'; datasetId: number; explicit: boolean } | { kind: 'new'; candles: CandleColumns };

/**
 * The task's dataset: `data.datasetId`, a dataset named by `data.dataset`, the dataset this task
 * identity (project, task id, data fingerprint) was stored in before, else the candles (inline,
 * or its file fetched from Label Studio) for a new one. Runs before the write transaction (it
 * may fetch a file).
 */
async function taskTarget(db: Db, task: LsTask, project: EventProject, fingerprint: string): Promise<TaskTarget> {
  const owner = resolveProject(db);
  if (typeof task.data.dataset === 'string' && task.data.datasetId === undefined) {
    const found = findDatasetByName(db, owner.id, task.data.dataset);
    if (found) return { kind: 'dataset', datasetId: found.id, explicit: true };
  }
  const series = taskSeries(task.data, project.control?.object ?? null);
  if (series.kind === 'dataset')
    return { kind: 'dataset', datasetId: getDataset(db, series.datasetId).id, explicit: true };
  if (task.id !== undefined) {
    const known = findLsTask(db, project.uid, String(task.id), fingerprint);
    if (known) return { kind: 'dataset', datasetId: known.dataset_id, explicit: false };
  }
  const name = `task ${task.id ?? '?'}`;
  if (series.kind === 'missing') throw badRequest('LS_TASK_DATA_MISSING', `${name}: ${series.reason}.`);
  if (series.kind === 'url') {
    if (!project.control)
      throw badRequest(
        'LS_LABEL_CONFIG_REQUIRED',
        `${name}: the series is a file, and no label config is known for project ${project.uid || '?'} to read it with (connect the model in Label Studio so it calls /setup).`,
      );
    const file = await loadTaskFile(series.url, project.control.object, project, name);
    return { kind: 'new', candles: file.candles };
  }
  const candles = toColumns(series.candles);
  if (candles.time.some((t, i) => i > 0 && t <= candles.time[i - 1]))
    throw badRequest('INVALID_CANDLES', `${name}: the inline series' times must be strictly increasing.`);
  return { kind: 'new', candles };
}

/** A dataset name not yet taken in the project: "Label Studio <project> task <id>", then " (2)", " (3)"… */
function freeDatasetName(db: Db, projectId: number, base: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} (${n})`;
    if (!findDatasetByName(db, projectId, name)) return name;
  }
}

/** ANNOTATION_CREATED / ANNOTATION_UPDATED (one annotation): its regions replace the spans it produced. */
async function annotationEvent(
  db: Db,
  action: string,
  project: EventProject,
  rawTask: unknown,
  rawAnnotation: unknown,
): Promise<AnnotationResult> {
  const task = parsePart(lsTaskSchema, rawTask, 'task');
  const annotation = parsePart(lsAnnotationSchema, rawAnnotation, 'annotation');
  const lsAnnotationId = annotation.id !== undefined ? String(annotation.id) : null;
  const lsTaskId = task.id !== undefined ? String(task.id) : null;
  const lsUpdatedAt = stamp(annotation.updated_at ?? annotation.created_at);
  const annotator = annotatorOf(annotation.completed_by);
  const hasRegions = !annotation.was_cancelled && annotation.result.some((r) => r.type === 'timeserieslabels');
  const fingerprint = taskFingerprint(task.data);
  // Only an annotation with regions needs the task's dataset (and may fetch its file).
  const target = hasRegions ? await taskTarget(db, task, project, fingerprint) : null;
  return db
    .transaction((): AnnotationResult => {
      let known = lsAnnotationId ? findLsAnnotation(db, lsAnnotationId) : undefined;
      let taskRef = lsTaskId !== null ? (findLsTask(db, project.uid, lsTaskId, fingerprint)?.id ?? null) : null;
      if (known && known.task_ref !== null && known.task_ref !== taskRef) {
        // The annotation was stored for another task identity: Label Studio reused the id (or the
        // task's data changed, which makes it another task). The old annotation is gone, and so
        // are its spans; this one starts afresh.
        forgetAnnotations(db, [lsAnnotationId!], annotator);
        known = undefined;
      }
      if (known && lsUpdatedAt !== null && known.ls_updated_at !== null && lsUpdatedAt < known.ls_updated_at)
        return {
          status: 'ignored',
          action,
          reason: `stale: annotation ${lsAnnotationId} was already stored as updated at ${new Date(known.ls_updated_at).toISOString()}`,
        };
      if (!target) {
        // The annotation no longer has regions (all deleted, or turned into a skip): its spans go.
        if (known)
          return {
            status: 'deleted',
            action,
            ...clearAnnotation(db, { lsAnnotationId: lsAnnotationId!, lsTaskId, lsUpdatedAt, annotator, taskRef }),
          };
        return {
          status: 'ignored',
          action,
          reason: annotation.was_cancelled
            ? 'the annotation was skipped (was_cancelled)'
            : 'the annotation has no timeserieslabels regions',
        };
      }
      let datasetId: number;
      if (target.kind === 'new') {
        const owner = resolveProject(db);
        const base = `Label Studio ${project.uid ? projectIdOf(project.uid) : '?'} task ${lsTaskId ?? 'unknown'}`;
        datasetId = insertDataset(db, {
          projectId: owner.id,
          name: freeDatasetName(db, owner.id, base),
          symbol: null,
          timeframe: null,
          sourceFile: null,
          candles: target.candles,
          importReport: { rowsImported: target.candles.time.length },
        });
      } else datasetId = target.datasetId;
      if (lsTaskId !== null && taskRef === null)
        taskRef = insertLsTask(db, { projectUid: project.uid, lsTaskId, fingerprint, datasetId, now: Date.now() }).id;
      let parsed;
      try {
        parsed = parseLabelStudio(
          JSON.stringify([{ data: {}, annotations: [{ ...annotation, completed_by: annotator }] }]),
        );
      } catch (error) {
        if (error instanceof ImportParseError) throw badRequest('IMPORT_PARSE_FAILED', error.message);
        throw error;
      }
      const { counts, report, changes } = syncAnnotation(db, {
        lsAnnotationId,
        lsTaskId,
        lsUpdatedAt,
        taskRef,
        projectUid: project.uid || null,
        datasetId,
        annotator,
        parsed,
      });
      return { status: 'stored', action, datasetId, report, sync: { lsAnnotationId, ...counts }, changes };
    })
    .immediate();
}

/** TASKS_DELETED / PROJECT_DELETED: the spans of those tasks' annotations go, and the task identities. */
function forgetTasks(db: Db, action: string, projectUid: string, taskIds: string[] | null): WebhookResponse {
  return db
    .transaction((): WebhookResponse => {
      const rows = lsTaskRows(db, projectUid, taskIds);
      const projectId = projectUid ? projectIdOf(projectUid) : null;
      const legacyTaskIds =
        taskIds ??
        ((projectId
          ? db
              .prepare(
                "SELECT DISTINCT ls_task_id FROM ls_annotations WHERE task_ref IS NULL AND ls_task_id IS NOT NULL AND (project_uid = ? OR project_uid LIKE ? || '.%')",
              )
              .pluck()
              .all(projectId, projectId)
          : []) as string[]);
      const ids = lsAnnotationIdsForTasks(
        db,
        rows.map((r) => r.id),
        { taskIds: legacyTaskIds, projectId },
      );
      const result = forgetAnnotations(db, ids);
      deleteLsTasks(
        db,
        rows.map((r) => r.id),
      );
      if (taskIds === null && projectId) deleteLsProjects(db, projectId);
      return { status: 'deleted', action, ...result };
    })
    .immediate();
}

function identifiers(body: LsWebhook) {
  const one = (v: unknown) =>
    v && typeof v === 'object' && 'id' in v && (typeof v.id === 'number' || typeof v.id === 'string')
      ? String(v.id)
      : null;
  return {
    projectUid: projectUidOf(body.project as never),
    lsTaskId: Array.isArray(body.task) ? null : one(body.task),
    lsAnnotationId: Array.isArray(body.annotation) ? null : one(body.annotation),
  };
}

/** Applies one event; throws a coded error when it cannot. */
async function apply(body: LsWebhook, db: Db): Promise<WebhookResponse> {
  const action = body.action;
  if (!(HANDLED as readonly string[]).includes(action))
    return { status: 'ignored', action, reason: `${action} is not handled by this backend` };
  if (action === 'START_TRAINING') {
    const outcome = startTraining(db);
    // Label Studio discards the answer: a training that did not start is only visible here.
    if (outcome.status === 'not_started')
      console.warn(`[api/ls/webhook] START_TRAINING: not started (${outcome.code}): ${outcome.reason}`);
    return { action, ...outcome };
  }
  if (action === 'ANNOTATIONS_DELETED') {
    // Validated whole before anything is deleted: a bad entry is a 400 that changes nothing.
    const ids = parsePart(lsIdListSchema, body.annotations, 'annotations').map((a) => a.id);
    return { status: 'deleted', action, ...forgetAnnotations(db, ids) };
  }
  const project = eventProject(db, body.project);
  if (action === 'TASKS_DELETED') {
    // Label Studio deletes a task's annotations with it without sending ANNOTATIONS_DELETED.
    const taskIds = parsePart(lsIdListSchema, body.tasks, 'tasks').map((t) => t.id);
    return forgetTasks(db, action, project.uid, taskIds);
  }
  if (action === 'PROJECT_DELETED') {
    if (!project.uid) throw badRequest('VALIDATION_FAILED', 'project: PROJECT_DELETED names no project id.');
    return forgetTasks(db, action, project.uid, null);
  }
  if (action === 'ANNOTATIONS_CREATED') return bulkCreated(body, db, project);
  return annotationEvent(db, action, project, body.task, body.annotation);
}

/**
 * ANNOTATIONS_CREATED ("Create Annotations From Predictions", imports): `annotation` is a list
 * and `task` the list of their tasks, in the same order. Each is applied like
 * ANNOTATION_CREATED; one that fails is stored as its own sync problem and the rest still apply.
 */
async function bulkCreated(body: LsWebhook, db: Db, project: EventProject): Promise<WebhookResponse> {
  const annotations = body.annotation ?? body.annotations;
  if (!Array.isArray(annotations))
    throw badRequest('VALIDATION_FAILED', 'annotation: ANNOTATIONS_CREATED carries a list of annotations.');
  const tasks = Array.isArray(body.task) ? body.task : Array.isArray(body.tasks) ? body.tasks : [];
  const byId = new Map(
    tasks.filter((t) => t && typeof t === 'object' && 'id' in t).map((t) => [String((t as { id: unknown }).id), t]),
  );
  const items: Extract<WebhookResponse, { status: 'bulk' }>['items'] = [];
  for (const [i, annotation] of annotations.entries()) {
    const a = (annotation ?? {}) as { id?: unknown; task?: unknown };
    const annotationId = a.id !== undefined ? String(a.id) : null;
    // Label Studio lists the tasks in the annotations' order; a task id on the annotation is preferred.
    const task = (a.task !== undefined ? byId.get(String(a.task)) : undefined) ?? tasks[i];
    try {
      items.push({
        annotation: annotationId,
        ...(await annotationEvent(db, 'ANNOTATION_CREATED', project, task, annotation)),
      });
    } catch (error) {
      const single = { action: 'ANNOTATION_CREATED', project: body.project, task, annotation };
      const problem = storeProblem(db, single as LsWebhook, error);
      items.push({
        status: 'failed',
        annotation: annotationId,
        code: problem.code,
        message: problem.message,
        problemId: problem.id,
      });
    }
  }
  const failed = items.filter((i) => i.status === 'failed').length;
  return { status: 'bulk', action: body.action, applied: items.length - failed, failed, items };
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const engineError = engineApiError(error);
  if (engineError) return engineError;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && error instanceof Error) return new ApiError(400, code, error.message);
  console.error('[api/ls/webhook] unexpected error', error);
  return new ApiError(500, 'INTERNAL', 'Internal server error; see the server log.');
}

function storeProblem(db: Db, body: LsWebhook, error: unknown): SyncProblem {
  const e = asApiError(error);
  return insertSyncProblem(db, {
    action: body.action,
    ...(({ projectUid, lsTaskId, lsAnnotationId }) => ({ projectUid, lsTaskId, lsAnnotationId }))(identifiers(body)),
    payload: body,
    code: e.code,
    message: e.message,
    now: Date.now(),
  });
}

/**
 * `/webhook`: applies the event; when it cannot be applied, stores it as a sync problem and
 * answers the error with `details.problemId` (Label Studio logs it; the app lists it for a retry).
 */
export async function webhook(body: LsWebhook, db: () => Db): Promise<WebhookResponse> {
  const database = db();
  try {
    return await apply(body, database);
  } catch (error) {
    const e = asApiError(error);
    const problem = storeProblem(database, body, e);
    throw new ApiError(e.status, e.code, e.message, { ...(e.details as object | undefined), problemId: problem.id });
  }
}

/** Retries a stored problem: applied → resolved; failing again → its new reason (and still open). */
export async function retryProblem(
  db: () => Db,
  id: number,
): Promise<{ problem: SyncProblem; result?: WebhookResponse }> {
  const database = db();
  const problem = getSyncProblem(database, id);
  if (!problem) throw notFound('Sync problem', id);
  if (problem.resolvedAt !== null)
    throw new ApiError(409, 'ALREADY_RESOLVED', `Sync problem ${id} was already ${problem.resolution}.`);
  const body = lsWebhookSchema.parse(syncProblemPayload(database, id));
  try {
    const result = await apply(body, database);
    resolveSyncProblem(database, id, 'applied', Date.now());
    return { problem: getSyncProblem(database, id)!, result };
  } catch (error) {
    const e = asApiError(error);
    recordFailedRetry(database, id, e.code, e.message, Date.now());
    return { problem: getSyncProblem(database, id)! };
  }
}

export function dismissProblem(db: () => Db, id: number): SyncProblem {
  const database = db();
  const problem = getSyncProblem(database, id);
  if (!problem) throw notFound('Sync problem', id);
  if (problem.resolvedAt === null) resolveSyncProblem(database, id, 'dismissed', Date.now());
  return getSyncProblem(database, id)!;
}
