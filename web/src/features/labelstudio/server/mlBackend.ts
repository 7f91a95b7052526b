import 'server-only';
import type { Db } from '@/server/db/database';
import { ApiError, badRequest } from '@/server/http/apiError';
import { describeZodError } from '@/server/http/handler';
import { findDatasetByName, getDataset, insertDataset } from '@/features/datasets/server/datasetRepository';
import { resolveProject } from '@/features/projects/server/projectRepository';
import { describeModel, predictOne, toColumns } from '@/features/predict/server/predictService';
import type { PredictBody } from '@/features/predict/schemas';
import { importSpans } from '@/features/interchange/server/importService';
import type { SpanImportReport } from '@/features/interchange/types';
import { startJob } from '@/features/training/server/trainingJobs';
import { LabelConfigError, parseLabelConfig, type TimeSeriesLabelsControl } from '../lib/labelConfig';
import { taskSeries } from '../lib/taskSeries';
import { lsAnnotationSchema, lsTaskSchema, type LsPredict, type LsSetup, type LsTask, type LsWebhook } from '../schemas';

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

const HANDLED = ['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'START_TRAINING'] as const;

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
  | { status: 'stored'; action: string; datasetId: number; report: SpanImportReport }
  | { status: 'started'; action: string; job: { id: string; state: string; preset: string } }
  | { status: 'not_started'; action: string; reason: string; code: string };

function parsePart<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest('VALIDATION_FAILED', `${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/**
 * `/webhook`: ANNOTATION_CREATED / ANNOTATION_UPDATED store the annotation's timeserieslabels
 * regions as `human` spans (through the Label Studio import mapping; regions already stored are
 * duplicates, not re-added); START_TRAINING starts a training job; anything else is ignored.
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
  const task = parsePart(lsTaskSchema, body.task, 'task');
  const annotation = parsePart(lsAnnotationSchema, body.annotation, 'annotation');
  if (annotation.was_cancelled) return { status: 'ignored', action, reason: 'the annotation was skipped (was_cancelled)' };
  if (!annotation.result.some((r) => r.type === 'timeserieslabels')) return { status: 'ignored', action, reason: 'the annotation has no timeserieslabels regions' };
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
  const database = db();
  const datasetId = datasetForTask(database, task, ctl);
  const annotator = annotatorOf(annotation.completed_by);
  const exportLike = [{ data: {}, annotations: [{ ...annotation, completed_by: annotator }] }];
  const report = importSpans(database, JSON.stringify(exportLike), { format: 'labelstudio', datasetId, timeUnit: 'auto', createLabels: true, annotator });
  return { status: 'stored', action, datasetId, report };
}
