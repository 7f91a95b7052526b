import 'server-only';
import type { Db } from '@/server/db/database';
import { ApiError, badRequest } from '@/server/http/apiError';
import { engineErrorStatus } from '@/server/http/engineErrors';
import { describeModel, listModelVersions } from '@/features/models/server';
import { predictMany, type BatchItem, type PredictResponse, type PredictBody } from '@/features/predictions/server';
import type { ModelFallback } from '@/server/engine';
import { getJob, startJob, type TrainingJob } from '@/features/training/server';
import { LabelConfigError, parseLabelConfig, type TimeSeriesLabelsControl } from '../lib/labelConfig';
import { ExtraParamsError, parseExtraParams, type ExtraParams } from '../lib/extraParams';
import { servingProblem, taskSeries } from '../lib/taskSeries';
import { findLsProject, saveLsProject, type LsProject } from './lsProjectRepository';
import { checkImportOptions, loadTaskFile, type LsFileSource } from './taskFiles';
import type { LsPredict, LsSetup, LsTask, LsTrain } from '../schemas';

/** What `/health` reports as `model_class` (label_studio_ml reports the Python class name). */
export const MODEL_CLASS = 'CandlePatternModel';
/** The preset a Label Studio START_TRAINING webhook (or /train) trains with. */
export const WEBHOOK_TRAINING_PRESET = 'fast';
/** Tasks predicted per engine batch: bounds memory (candles of a chunk) and keeps the event loop free between chunks. */
export const PREDICT_CHUNK = 16;

/** The config's TimeSeriesLabels control, or a coded 400 when it is missing or cannot be served. */
export function servableControl(xml: string): TimeSeriesLabelsControl {
  let ctl: TimeSeriesLabelsControl;
  try {
    ctl = parseLabelConfig(xml);
  } catch (error) {
    if (error instanceof LabelConfigError) throw unsupported(error.message);
    throw error;
  }
  const problem = servingProblem(ctl);
  if (problem) throw unsupported(problem);
  return ctl;
}

/**
 * Label Studio shows only "400 … for url …/setup; check the ML backend server console logs" when
 * /setup refuses a config, so the reason is also written to the server log.
 */
function unsupported(reason: string): ApiError {
  console.warn(`[api/ls] label config refused: ${reason}`);
  return badRequest('LS_UNSUPPORTED_LABEL_CONFIG', reason);
}

/** The champion's version (or the named one), or null when nothing has been trained yet. */
async function modelVersion(model = 'champion'): Promise<string | null> {
  try {
    return (await describeModel(model)).version;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NO_MODEL') return null;
    throw error;
  }
}

/**
 * `/health`: `UP` with the champion's version (null before any training); `DEGRADED` when the
 * champion is damaged and the newest intact version serves instead (`fallback` says which and
 * why); `DOWN` when no version can be served at all.
 */
export async function health(): Promise<{
  status: 'UP' | 'DEGRADED' | 'DOWN';
  model_class: string;
  model_version: string | null;
  fallback?: ModelFallback;
  error?: { code: string; message: string };
}> {
  try {
    const info = await describeModel('champion');
    if (info.fallback)
      return { status: 'DEGRADED', model_class: MODEL_CLASS, model_version: info.version, fallback: info.fallback };
    return { status: 'UP', model_class: MODEL_CLASS, model_version: info.version };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'NO_MODEL')
      return { status: 'UP', model_class: MODEL_CLASS, model_version: null };
    const e = error instanceof ApiError ? error : new ApiError(500, 'INTERNAL', 'The registry could not be read.');
    return {
      status: 'DOWN',
      model_class: MODEL_CLASS,
      model_version: null,
      error: { code: e.code, message: e.message },
    };
  }
}

/**
 * `/setup` (Label Studio calls it when the model is connected and before each batch of
 * predictions): checks that the config is one this backend can serve (a CSV's separator and time
 * format with the engine's importer), checks `extra_params`, and remembers the project — config,
 * Label Studio address and token for file-URL tasks, options — in SQLite.
 */
export async function setup(body: LsSetup, db: () => Db) {
  const ctl = servableControl(body.schema);
  if (ctl.object.valueType !== 'json') {
    const problem = await checkImportOptions(ctl.object);
    if (problem) throw unsupported(`<TimeSeries name="${ctl.object.name}">: ${problem}`);
  }
  let extraParams: ExtraParams;
  try {
    extraParams = parseExtraParams(body.extra_params);
  } catch (error) {
    if (error instanceof ExtraParamsError) throw badRequest('LS_INVALID_EXTRA_PARAMS', error.message);
    throw error;
  }
  const version = await modelVersion(extraParams.model);
  if (body.project)
    saveLsProject(db(), {
      projectUid: body.project,
      labelConfig: body.schema,
      hostname: body.hostname?.trim() || null,
      accessToken: body.access_token?.trim() || null,
      extraParams,
      updatedAt: Date.now(),
    });
  return { model_version: version ?? 'untrained' };
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

/**
 * A task whose prediction failed: no `result`, so Label Studio stores no prediction for it (it
 * logs the entry) while the other tasks' predictions are stored.
 */
export interface LsTaskFailure {
  task: number | string | null;
  error: { code: string; message: string };
}

interface PreparedTask {
  body: PredictBody;
  lsTimes: ArrayLike<number> | null;
}

const taskName = (task: LsTask, index: number) => (task.id !== undefined ? `task ${task.id}` : `tasks[${index}]`);

/** One task's candles (inline, a stored dataset, or its CSV file fetched from Label Studio). */
async function prepareTask(
  task: LsTask,
  index: number,
  ctl: TimeSeriesLabelsControl,
  source: LsFileSource,
  options: PredictBody['options'],
): Promise<PreparedTask> {
  const name = taskName(task, index);
  const series = taskSeries(task.data, ctl.object);
  switch (series.kind) {
    case 'missing':
      throw badRequest('LS_TASK_DATA_MISSING', `${name}: ${series.reason}.`, { task: task.id ?? index });
    case 'dataset':
      return { body: { datasetId: series.datasetId, from: series.from, to: series.to, options }, lsTimes: null };
    case 'inline':
      return { body: { candles: series.candles, options }, lsTimes: series.lsTimes };
    case 'url': {
      const file = await loadTaskFile(series.url, ctl.object, source, name);
      const c = file.candles;
      const candles = {
        time: Array.from(c.time),
        open: Array.from(c.open),
        high: Array.from(c.high),
        low: Array.from(c.low),
        close: Array.from(c.close),
        volume: Array.from(c.volume),
      };
      return { body: { candles, options }, lsTimes: file.lsTimes };
    }
  }
}

/** Labels to report: the config's (no <Label>s = all), narrowed by extra_params.labels; keyed lowercase. */
function labelFilter(ctl: TimeSeriesLabelsControl, extra: ExtraParams): (label: string) => string | null {
  const config = new Map(ctl.labels.map((l) => [l.toLowerCase(), l]));
  const only = extra.labels ? new Set(extra.labels.map((l) => l.toLowerCase())) : null;
  return (label) => {
    const k = label.toLowerCase();
    if (only && !only.has(k)) return null;
    if (!config.size) return label;
    return config.get(k) ?? null;
  };
}

function toLsPrediction(
  prediction: PredictResponse,
  index: number,
  ctl: TimeSeriesLabelsControl,
  keep: (label: string) => string | null,
  lsTimes: ArrayLike<number> | null,
): LsTaskPrediction {
  const regions: LsRegion[] = [];
  prediction.spans.forEach((s, j) => {
    const label = keep(s.label);
    if (!label) return;
    const start = lsTimes ? lsTimes[s.start] : s.startTime;
    const end = lsTimes ? lsTimes[s.end] : s.endTime;
    regions.push({
      id: `cp${index}_${j}`,
      from_name: ctl.fromName,
      to_name: ctl.toName,
      type: 'timeserieslabels',
      origin: 'prediction',
      value: { start, end, instant: false, timeserieslabels: [label] },
      score: s.confidence,
    });
  });
  const score = regions.length ? regions.reduce((a, r) => a + r.score, 0) / regions.length : 0;
  return { result: regions, score, model_version: prediction.model.version };
}

const failure = (task: LsTask, error: unknown): LsTaskFailure => {
  const e =
    error instanceof ApiError
      ? error
      : new ApiError(500, 'INTERNAL', 'Internal server error; see the server log.', undefined);
  if (!(error instanceof ApiError)) console.error('[api/ls/predict] task failed', error);
  return { task: task.id ?? null, error: { code: e.code, message: e.message } };
};

/**
 * `/predict`: one item per task, in order, for any number of tasks: `{ result, score,
 * model_version }`, or `{ task, error }` for a task that failed (its data, its file, its
 * candles) — the others are served. Tasks go to the engine in chunks of PREDICT_CHUNK (candles
 * of one chunk in memory at a time; the engine batch runs off the JS thread). Regions are
 * `timeserieslabels` with start/end the times of the span's first and last candle as Label
 * Studio expresses them; the task score is the mean confidence of its regions (0 when none).
 * When every task fails for the same reason (no model yet, say), that is the request's error.
 */
export async function predict(
  body: LsPredict,
  db: () => Db,
): Promise<{ results: Array<LsTaskPrediction | LsTaskFailure>; model_version: string | null }> {
  const project: LsProject | undefined = body.project ? findLsProject(db(), body.project) : undefined;
  const xml = body.label_config ?? project?.labelConfig;
  if (!xml) throw badRequest('LS_LABEL_CONFIG_REQUIRED', 'Send label_config (or call /setup for this project first).');
  const ctl = servableControl(xml);
  const extra = project?.extraParams ?? {};
  const model = body.params?.model ?? extra.model;
  const minConfidence = body.params?.minConfidence ?? extra.minConfidence;
  const options = {
    ...(model ? { model } : {}),
    ...(minConfidence !== undefined ? { minConfidence } : {}),
  };
  const keep = labelFilter(ctl, extra);
  const source: LsFileSource = { hostname: project?.hostname ?? null, accessToken: project?.accessToken ?? null };

  const started = performance.now();
  const results: Array<LsTaskPrediction | LsTaskFailure> = new Array(body.tasks.length);
  const errors: ApiError[] = [];
  let version: string | null = null;
  for (let start = 0; start < body.tasks.length; start += PREDICT_CHUNK) {
    const chunk = body.tasks.slice(start, start + PREDICT_CHUNK);
    const prepared = await Promise.all(
      chunk.map((task, k) => prepareTask(task, start + k, ctl, source, options).catch((error: unknown) => ({ error }))),
    );
    const ready = prepared.flatMap((p, k) => ('error' in p ? [] : [{ k, p }]));
    const predicted: BatchItem[] = ready.length
      ? await predictMany(
          ready.map((r) => r.p.body),
          db,
        )
      : [];
    prepared.forEach((p, k) => {
      const task = chunk[k];
      if ('error' in p) {
        results[start + k] = failure(task, p.error);
        errors.push(p.error instanceof ApiError ? p.error : new ApiError(500, 'INTERNAL', 'internal'));
      }
    });
    ready.forEach(({ k, p }, r) => {
      const item = predicted[r];
      const task = chunk[k];
      if ('error' in item) {
        // A batch item keeps its code, not its status: engine codes get theirs back from the one
        // map; the others are refusals of the task's own input (its dataset, its range).
        const e = new ApiError(engineErrorStatus(item.error.code, 400), item.error.code, item.error.message);
        results[start + k] = failure(task, e);
        errors.push(e);
        return;
      }
      version = item.model.version;
      results[start + k] = toLsPrediction(item, start + k, ctl, keep, p.lsTimes);
    });
  }
  // One line per call: how many tasks Label Studio sent and how long they took here.
  console.info(
    `[api/ls/predict] ${body.tasks.length} tasks (${errors.length} failed) in ${(performance.now() - started).toFixed(0)} ms`,
  );
  if (errors.length === body.tasks.length && errors.every((e) => e.code === errors[0].code)) {
    const first = errors[0];
    throw body.tasks.length === 1
      ? first
      : new ApiError(first.status, first.code, `Every task failed: ${first.message}`);
  }
  return { results, model_version: version };
}

/** `/versions`: the registry's versions, newest first, and the one serving (champion). */
export async function versions() {
  const all = await listModelVersions();
  return {
    versions: all.map((v) => v.version).reverse(),
    model_version: await modelVersion(),
  };
}

export type TrainingStartResponse =
  | { status: 'started'; job: string; training: { id: string; state: string; preset: string } }
  | { status: 'not_started'; code: string; reason: string };

/**
 * START_TRAINING (webhook) and `/train`: starts a training job on the app's datasets (the spans
 * Label Studio's annotations produced are among them). `job` is the job id as a string, as Label
 * Studio stores it (its reference backend does the same); follow it at GET /api/training/<id>
 * or POST /api/ls/job_status.
 */
export function startTraining(db: Db): TrainingStartResponse {
  try {
    const job = startJob(db, { preset: WEBHOOK_TRAINING_PRESET });
    return { status: 'started', job: job.id, training: { id: job.id, state: job.state, preset: job.preset } };
  } catch (error) {
    if (error instanceof ApiError) return { status: 'not_started', reason: error.message, code: error.code };
    throw error;
  }
}

/** `/train`: Label Studio's direct training call (used when its webhook-training flag is off). */
export function train(_body: LsTrain, db: () => Db): TrainingStartResponse {
  return startTraining(db());
}

const JOB_STATUS: Record<TrainingJob['state'], string> = {
  running: 'started',
  succeeded: 'finished',
  failed: 'failed',
  cancelled: 'failed',
};

/** `/job_status`: Label Studio's training-job poll; an unknown job is 410 (Label Studio: "removed"). */
export function jobStatus(jobId: string, db: () => Db) {
  let job: TrainingJob;
  try {
    job = getJob(db(), jobId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      throw new ApiError(410, 'NOT_FOUND', `Training job ${jobId} is not known here.`);
    throw error;
  }
  return { job: job.id, job_status: JOB_STATUS[job.state], state: job.state, version: job.outcome?.version ?? null };
}
