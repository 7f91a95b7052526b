import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '@/server/db/database';
import * as engine from '@/server/engine';
import { ApiError } from '@/server/http/apiError';
import { webRoot } from '@/server/paths';
import { listAnnotations } from '@/features/annotations/server/annotationRepository';
import { loadCandleColumns } from '@/features/datasets/server/candleRepository';
import { getDataset, listDatasets } from '@/features/datasets/server/datasetRepository';
import { listLabels } from '@/features/labels/server/labelRepository';
import { resolveProject } from '@/features/projects/server/projectRepository';
import { modelsDir } from '@/features/predict/server/registry';
import { seriesIdOf, toEngineSpans } from '../lib/engineExport';
import { PRESETS, buildTrainingConfig, type PresetName } from '../lib/presets';
import type { TrainingStart } from '../schemas';

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrainingJob {
  id: string;
  state: JobState;
  preset: PresetName;
  datasetIds: number[];
  includeTalib: boolean;
  stage: string;
  fraction: number;
  startedAt: number;
  finishedAt: number | null;
  spans: { exported: number; negatives: number; dropped: number };
  outcome: { version: string; modelType: string; metrics: engine.MetricsSummary; championMoved: boolean; champion: string | null; rounds?: unknown; warnings?: unknown } | null;
  error: { code: string; message: string } | null;
}

interface JobEntry {
  job: TrainingJob;
  token: engine.CancelToken;
  done: Promise<void>;
  workDir: string;
}

// Survives module re-evaluation (Next dev, route bundles): one job table per process.
const g = globalThis as unknown as { __candleTrainingJobs?: Map<string, JobEntry> };
const jobs: Map<string, JobEntry> = (g.__candleTrainingJobs ??= new Map());

const repoRoot = () => path.resolve(/*turbopackIgnore: true*/ webRoot(), '..');

const iso = (ms: number) => new Date(ms).toISOString();

/** A dataset's stored candles as a CSV the engine's importer reads (ISO UTC times). */
function writeSeriesCsv(db: Db, datasetId: number, file: string): number {
  const c = loadCandleColumns(db, datasetId);
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < c.time.length; i++) lines.push(`${iso(c.time[i])},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${Number.isFinite(c.volume[i]) ? c.volume[i] : 0}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return c.time.length;
}

function publicJob(entry: JobEntry): TrainingJob {
  return { ...entry.job };
}

export function getJob(id: string): TrainingJob {
  const entry = jobs.get(id);
  if (!entry) throw new ApiError(404, 'NOT_FOUND', `No training job ${id}.`, { resource: 'training-job', id });
  return publicJob(entry);
}

export function listJobs(): TrainingJob[] {
  return [...jobs.values()].map(publicJob).sort((a, b) => b.startedAt - a.startedAt);
}

/** Resolves when the job has finished (tests). */
export async function waitForJob(id: string): Promise<TrainingJob> {
  const entry = jobs.get(id);
  if (!entry) throw new ApiError(404, 'NOT_FOUND', `No training job ${id}.`);
  await entry.done;
  return publicJob(entry);
}

export function cancelJob(id: string): TrainingJob {
  const entry = jobs.get(id);
  if (!entry) throw new ApiError(404, 'NOT_FOUND', `No training job ${id}.`, { resource: 'training-job', id });
  if (entry.job.state === 'running') {
    entry.token.cancel();
    entry.job.stage = 'cancelling';
  }
  return publicJob(entry);
}

/**
 * Starts a training run on the CURRENT spans of one dataset (or all datasets): exports them
 * (positives and negatives) as an engine span file and the candles as CSVs into a work folder,
 * then trains in the engine (off the JS thread) with progress and a cancel token. One run at a time.
 */
export function startJob(db: Db, input: TrainingStart): TrainingJob {
  if ([...jobs.values()].some((e) => e.job.state === 'running')) throw new ApiError(409, 'TRAINING_BUSY', 'A training run is in progress; wait for it or cancel it.');
  const project = resolveProject(db, input.datasetId !== undefined ? getDataset(db, input.datasetId).projectId : undefined);
  const datasets = input.datasetId !== undefined ? [getDataset(db, input.datasetId)] : listDatasets(db, project.id).filter((d) => d.candleCount > 0);
  if (!datasets.length) throw new ApiError(400, 'NO_DATA', 'There is no dataset to train on.');
  const labelNames = new Map(listLabels(db, project.id).map((l) => [l.id, l.name]));
  const includeTalib = input.includeTalib ?? true;
  const talibLabels = includeTalib ? [...PRESETS[input.preset].talib] : [];
  const annotations = datasets.flatMap((d) => listAnnotations(db, { datasetId: d.id }));
  const exported = toEngineSpans(annotations, new Map(datasets.map((d) => [d.id, d])), labelNames, talibLabels);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-train-'));
  const series = datasets.map((d) => {
    const file = path.join(workDir, `${seriesIdOf(d.id)}.csv`);
    writeSeriesCsv(db, d.id, file);
    return { path: file, symbol: seriesIdOf(d.id) };
  });
  let annotationsFile: string | null = null;
  if (exported.annotations.length) {
    annotationsFile = path.join(workDir, 'spans.json');
    fs.writeFileSync(annotationsFile, JSON.stringify({ annotations: exported.annotations }, null, 1));
  }
  const config = buildTrainingConfig({
    preset: input.preset,
    series,
    annotationsFile,
    includeTalib,
    minExamples: input.minExamples ?? 1,
    outputDir: path.join(workDir, 'dataset'),
    registryRoot: modelsDir(),
  });

  const job: TrainingJob = {
    id: crypto.randomUUID(),
    state: 'running',
    preset: input.preset,
    datasetIds: datasets.map((d) => d.id),
    includeTalib,
    stage: 'queued',
    fraction: 0,
    startedAt: Date.now(),
    finishedAt: null,
    spans: { exported: exported.annotations.length, negatives: exported.annotations.filter((a) => a.kind === 'negative').length, dropped: exported.dropped.length },
    outcome: null,
    error: null,
  };
  const token = engine.createCancelToken();
  const entry: JobEntry = { job, token, workDir, done: Promise.resolve() };
  entry.done = engine
    .trainWithProgress({ config, rootDir: repoRoot() }, (p) => {
      if (job.state !== 'running') return;
      if (job.stage !== 'cancelling') job.stage = p.stage;
      job.fraction = Math.max(job.fraction, p.fraction);
    }, token)
    .then((outcome) => {
      job.state = 'succeeded';
      job.stage = 'done';
      job.fraction = 1;
      job.outcome = {
        version: outcome.version,
        modelType: outcome.modelType,
        metrics: outcome.metrics,
        championMoved: outcome.championMoved,
        champion: outcome.champion ?? null,
        rounds: outcome.rounds,
        warnings: outcome.warnings,
      };
    })
    .catch((error: unknown) => {
      const code = engine.isEngineError(error) ? error.code : 'TRAINING_FAILED';
      job.state = code === 'CANCELLED' || token.cancelled ? 'cancelled' : 'failed';
      job.stage = job.state;
      job.error = { code, message: error instanceof Error ? error.message.replace(/\/[\w./-]+\/(ds\d+\.csv|spans\.json)/g, '$1') : String(error) };
      if (job.state === 'failed') console.error('[training] run failed', error);
    })
    .finally(() => {
      job.finishedAt = Date.now();
      fs.rmSync(workDir, { recursive: true, force: true });
    });
  jobs.set(job.id, entry);
  // Keep the table small: the 20 newest finished jobs.
  const finished = [...jobs.values()].filter((e) => e.job.state !== 'running').sort((a, b) => b.job.startedAt - a.job.startedAt);
  for (const old of finished.slice(20)) jobs.delete(old.job.id);
  return publicJob(entry);
}

export async function promoteVersion(version: string) {
  try {
    return await engine.promote(version, modelsDir());
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODEL_NOT_FOUND') throw new ApiError(404, code, `No model version ${version}.`);
    throw error;
  }
}

/** A plot file of a registry version, only when it lies inside the registry folder. */
export async function plotFile(versionOrAlias: string, name: string): Promise<{ body: Buffer; contentType: string }> {
  if (!/^[\w.-]+\.svg$/.test(name)) throw new ApiError(400, 'INVALID_NAME', 'Only SVG plots by file name.');
  let info: engine.ModelInfo;
  try {
    info = await engine.modelInfo(versionOrAlias, modelsDir());
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODEL_NOT_FOUND' || code === 'NO_MODEL') throw new ApiError(404, code, `No model ${versionOrAlias}.`);
    throw error;
  }
  const root = fs.realpathSync(modelsDir());
  const match = info.plots.find((p) => path.basename(p) === name);
  if (!match) throw new ApiError(404, 'NOT_FOUND', `Model ${info.version} has no plot ${name}.`);
  const real = fs.realpathSync(path.resolve(root, match));
  if (!real.startsWith(root + path.sep)) throw new ApiError(404, 'NOT_FOUND', 'Plot not found.');
  return { body: fs.readFileSync(real), contentType: 'image/svg+xml' };
}
