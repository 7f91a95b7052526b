import 'server-only';
import type { Db } from '@/server/db/database';
import { ApiError, badRequest } from '@/server/http/apiError';
import { describeZodError } from '@/server/http/handler';
import { findDatasetByName, getDataset, insertDataset } from '@/features/datasets/server/datasetRepository';
import { resolveProject } from '@/features/projects/server/projectRepository';
import { describeModel, predictOne, toColumns } from '@/features/predict/server/predictService';
import type { PredictBody } from '@/features/predict/schemas';
import { ImportParseError, parseLabelStudio } from '@/features/interchange/lib/importFormats';
import type { AnnotationChange } from '@/features/annotations/types';
import type { SpanImportReport } from '@/features/interchange/types';
import { startJob } from '@/features/training/server/trainingJobs';
import { LabelConfigError, parseLabelConfig, type TimeSeriesLabelsControl } from '../lib/labelConfig';
import { taskSeries } from '../lib/taskSeries';
import { clearAnnotation, forgetAnnotations, syncAnnotation, type SyncCounts } from './annotationSync';
import { findLsAnnotation, lsAnnotationIdsForTasks } from './lsLinkRepository';
import { lsAnnotationSchema, lsIdListSchema, lsTaskSchema, type LsPredict, type LsSetup, type LsTask, type LsWebhook } from '../schemas';

/** What `/health` reports as `model_class` (label_studio_ml reports the Python class name). */
export const MODEL_CLASS = 'CandlePatternModel';
/** The preset a Label Studio START_TRAINING webhook trains with. */
export const WEBHOOK_TRAINING_PRESET = 'fast';

// Label configs sent to /setup, per Label Studio project id (used when /predict sends none).
const g = globalThis as unknown as { __candleLsConfigs?: Map<string, string> };
const setupConfigs: Map<string, string> = (g.__candleLsConfigs ??= new Map());

function control(xml: string): TimeSeriesLabelsControl {
  try {
    return parseLabelConfig(xml);
  } catch (error) {
    if (error instanceof LabelConfigError) throw badRequest('LS_UNSUPPORTED_LABEL_CONFIG', error.message);
    throw error;
  }
}

/** The champion's version, or null when nothing has been trained yet. */
async function championVersion(model = 'champion'): Promise<string | null> {
  try {
    return (await describeModel(model)).version;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NO_MODEL') return null;
    throw error;
  }
}

export async function health() {
  let modelVersion: string | null = null;
  try {
    modelVersion = await championVersion();
  } catch {
    // A broken registry does not make the server unhealthy; /predict reports it.
  }
  return { status: 'UP' as const, model_class: MODEL_CLASS, model_version: modelVersion };
}

/** `/setup`: checks the label config, remembers it for the project, returns the model version. */
export async function setup(body: LsSetup) {
  control(body.schema);
  if (body.project) setupConfigs.set(body.project, body.schema);
  return { model_version: (await championVersion()) ?? 'untrained' };
}

export interface LsRegion {
  id: string;
  from_name: string;
  to_name: string;
  type: 'timeserieslabels';
  origin: 'prediction';
  value: { start: number; end: number; instant: boolean; timeserieslabels: string[] };
  score: number;
}

export interface LsTaskPrediction {
  result: LsRegion[];
  score: number;
  model_version: string;
}

function predictBodyFor(task: LsTask, index: number, ctl: TimeSeriesLabelsControl, params: LsPredict['params']): PredictBody {
  const series = taskSeries(task.data, ctl.object);
  const options = { ...(params?.model ? { model: params.model } : {}), ...(params?.minConfidence !== undefined ? { minConfidence: params.minConfidence } : {}) };
  const name = task.id !== undefined ? `task ${task.id}` : `tasks[${index}]`;
  if (series.kind === 'missing') throw badRequest('LS_TASK_DATA_MISSING', `${name}: ${series.reason}.`, { task: task.id ?? index });
  if (series.kind === 'dataset') return { datasetId: series.datasetId, from: series.from, to: series.to, options };
  return { candles: series.candles, options };
}

/**
 * `/predict`: one `{ result, score, model_version }` per task, in order. Regions are
 * `timeserieslabels` with start/end the epoch-ms times of the first and last candle of the span;
 * the task score is the mean confidence of its regions (0 when none). Labels the config lists
 * filter the model's (case-insensitively, named as the config spells them).
 */
export async function predict(body: LsPredict, db: () => Db): Promise<{ results: LsTaskPrediction[]; model_version: string | null }> {
  const xml = body.label_config ?? (body.project ? setupConfigs.get(body.project) : undefined);
  if (!xml) throw badRequest('LS_LABEL_CONFIG_REQUIRED', 'Send label_config (or call /setup for this project first).');
  const ctl = control(xml);
  const wanted = new Map(ctl.labels.map((l) => [l.toLowerCase(), l]));
  const bodies = body.tasks.map((t, i) => predictBodyFor(t, i, ctl, body.params));
  const results: LsTaskPrediction[] = [];
  let modelVersion: string | null = null;
  for (let i = 0; i < bodies.length; i++) {
    const prediction = await predictOne(bodies[i], db);
    modelVersion = prediction.model.version;
    const regions: LsRegion[] = [];
    prediction.spans.forEach((s, j) => {
      const label = wanted.size ? wanted.get(s.label.toLowerCase()) : s.label;
      if (!label) return;
      regions.push({
        id: `cp${i}_${j}`,
        from_name: ctl.fromName,
        to_name: ctl.toName,
        type: 'timeserieslabels',
        origin: 'prediction',
        value: { start: s.startTime, end: s.endTime, instant: false, timeserieslabels: [label] },
        score: s.confidence,
      });
    });
    const score = regions.length ? regions.reduce((a, r) => a + r.score, 0) / regions.length : 0;
    results.push({ result: regions, score, model_version: prediction.model.version });
  }
  return { results, model_version: modelVersion };
}

const HANDLED = ['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED', 'TASKS_DELETED', 'START_TRAINING'] as const;

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

function projectParts(project: LsWebhook['project']): { id?: string; labelConfig?: string } {
  if (project === null || project === undefined) return {};
  if (typeof project === 'object') return { id: project.id !== undefined ? String(project.id) : undefined, labelConfig: project.label_config };
  return { id: String(project).split('.')[0] };
}

/**
 * The dataset a task's spans belong to: `data.datasetId`, else a dataset named by `data.dataset`,
 * else (inline series) the dataset "Label Studio task <id>", created from the inline candles on
 * first use.
 */
function datasetForTask(db: Db, task: LsTask, ctl: TimeSeriesLabelsControl | null): number {
  const project = resolveProject(db);
  if (typeof task.data.dataset === 'string' && task.data.datasetId === undefined) {
    const found = findDatasetByName(db, project.id, task.data.dataset);
    if (found) return found.id;
  }
  const series = taskSeries(task.data, ctl?.object ?? null);
  if (series.kind === 'dataset') return getDataset(db, series.datasetId).id;
  if (series.kind === 'missing') throw badRequest('LS_TASK_DATA_MISSING', `task ${task.id ?? '?'}: ${series.reason}.`);
  const name = `Label Studio task ${task.id ?? 'unknown'}`;
  const existing = findDatasetByName(db, project.id, name);
  if (existing) return existing.id;
  const candles = toColumns(series.candles);
  if (candles.time.some((t, i) => i > 0 && t <= candles.time[i - 1])) throw badRequest('INVALID_CANDLES', `task ${task.id ?? '?'}: the inline series' times must be strictly increasing.`);
  return db.transaction(() =>
    insertDataset(db, { projectId: project.id, name, symbol: null, timeframe: null, sourceFile: null, candles, importReport: { rowsImported: candles.time.length } }),
  )();
}

export type WebhookResponse =
  | { status: 'ignored'; action: string; reason: string }
  | { status: 'stored'; action: string; datasetId: number; report: SpanImportReport; sync: SyncCounts & { lsAnnotationId: string | null }; changes: AnnotationChange[] }
  | { status: 'deleted'; action: string; annotations: string[]; deleted: number; changes: AnnotationChange[] }
  | { status: 'started'; action: string; job: { id: string; state: string; preset: string } }
  | { status: 'not_started'; action: string; reason: string; code: string };

function parsePart<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest('VALIDATION_FAILED', `${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** An ISO time from Label Studio as epoch ms (null when absent or unreadable). */
function stamp(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** ANNOTATION_CREATED / ANNOTATION_UPDATED: the annotation's regions replace the spans it produced. */
function annotationEvent(body: LsWebhook, action: string, database: Db): WebhookResponse {
  const task = parsePart(lsTaskSchema, body.task, 'task');
  const annotation = parsePart(lsAnnotationSchema, body.annotation, 'annotation');
  const lsAnnotationId = annotation.id !== undefined ? String(annotation.id) : null;
  const lsTaskId = task.id !== undefined ? String(task.id) : null;
  const lsUpdatedAt = stamp(annotation.updated_at ?? annotation.created_at);
  const annotator = annotatorOf(annotation.completed_by);
  // One transaction: the task's dataset (created for an inline series), labels and spans.
  return database
    .transaction((): WebhookResponse => {
      const known = lsAnnotationId ? findLsAnnotation(database, lsAnnotationId) : undefined;
      if (known && lsUpdatedAt !== null && known.ls_updated_at !== null && lsUpdatedAt < known.ls_updated_at) {
        return { status: 'ignored', action, reason: `stale: annotation ${lsAnnotationId} was already stored as updated at ${new Date(known.ls_updated_at).toISOString()}` };
      }
      const hasRegions = !annotation.was_cancelled && annotation.result.some((r) => r.type === 'timeserieslabels');
      if (!hasRegions) {
        // The annotation no longer has regions (all deleted, or turned into a skip): its spans go.
        if (known) return { status: 'deleted', action, ...clearAnnotation(database, { lsAnnotationId: lsAnnotationId!, lsTaskId, lsUpdatedAt, annotator }) };
        return { status: 'ignored', action, reason: annotation.was_cancelled ? 'the annotation was skipped (was_cancelled)' : 'the annotation has no timeserieslabels regions' };
      }
      const project = projectParts(body.project);
      const xml = project.labelConfig ?? (project.id ? setupConfigs.get(project.id) : undefined);
      let ctl: TimeSeriesLabelsControl | null = null;
      if (xml) {
        try {
          ctl = parseLabelConfig(xml);
        } catch {
          ctl = null; // The regions carry their own times; the config only locates inline series.
        }
      }
      const datasetId = datasetForTask(database, task, ctl);
      let parsed;
      try {
        parsed = parseLabelStudio(JSON.stringify([{ data: {}, annotations: [{ ...annotation, completed_by: annotator }] }]));
      } catch (error) {
        if (error instanceof ImportParseError) throw badRequest('IMPORT_PARSE_FAILED', error.message);
        throw error;
      }
      const { counts, report, changes } = syncAnnotation(database, { lsAnnotationId, lsTaskId, lsUpdatedAt, datasetId, annotator, parsed });
      return { status: 'stored', action, datasetId, report, sync: { lsAnnotationId, ...counts }, changes };
    })
    .immediate();
}

/**
 * `/webhook`: ANNOTATION_CREATED / ANNOTATION_UPDATED replace the spans the annotation produced
 * with its current timeserieslabels regions (human spans, through the Label Studio import
 * mapping); ANNOTATIONS_DELETED / TASKS_DELETED delete the spans those annotations produced;
 * START_TRAINING starts a training job; anything else is ignored.
 */
export function webhook(body: LsWebhook, db: () => Db): WebhookResponse {
  const action = body.action;
  if (!(HANDLED as readonly string[]).includes(action)) return { status: 'ignored', action, reason: `${action} is not handled by this backend` };
  if (action === 'START_TRAINING') {
    try {
      const job = startJob(db(), { preset: WEBHOOK_TRAINING_PRESET });
      return { status: 'started', action, job: { id: job.id, state: job.state, preset: job.preset } };
    } catch (error) {
      if (error instanceof ApiError) return { status: 'not_started', action, reason: error.message, code: error.code };
      throw error;
    }
  }
  if (action === 'ANNOTATIONS_DELETED') {
    // Validated whole before anything is deleted: a bad entry is a 400 that changes nothing.
    const ids = parsePart(lsIdListSchema, body.annotations, 'annotations').map((a) => a.id);
    return { status: 'deleted', action, ...forgetAnnotations(db(), ids) };
  }
  if (action === 'TASKS_DELETED') {
    // Label Studio deletes a task's annotations with it without sending ANNOTATIONS_DELETED.
    const taskIds = parsePart(lsIdListSchema, body.tasks, 'tasks').map((t) => t.id);
    const database = db();
    return { status: 'deleted', action, ...forgetAnnotations(database, lsAnnotationIdsForTasks(database, taskIds)) };
  }
  return annotationEvent(body, action, db());
}
