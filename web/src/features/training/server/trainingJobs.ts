import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getDb, type Db } from '@/server/db/database';
import * as engine from '@/server/engine';
import { ApiError } from '@/server/http/apiError';
import { modelsDir } from '@/features/predict/server/registry';
import type { PresetName } from '../lib/presets';
import type { TrainingStart } from '../schemas';
import { prepareEngineRun, withoutWorkPaths } from './engineRunInput';
import { failOrphanedJobs, findJob, finishJob, insertJob, listStoredJobs } from './trainingJobRepository';

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

// Every job is stored in SQLite (training_jobs); this table holds only the runs this process is
// executing (their cancel token and live progress). It survives module re-evaluation (Next dev,
// route bundles): one table per process.
const g = globalThis as unknown as { __candleTrainingJobs?: Map<string, JobEntry> };
const running: Map<string, JobEntry> = (g.__candleTrainingJobs ??= new Map());

// Connections on which stored 'running' jobs of dead processes have been marked failed.
const recovered = new WeakSet<Db>();

/**
 * Marks jobs left 'running' by a previous server process as failed (SERVER_RESTARTED). Runs at
 * startup, and once per connection before jobs are read (route tests have no startup hook).
 */
export function recoverInterruptedJobs(db: Db): number {
  recovered.add(db);
  return failOrphanedJobs(db, [...running.keys()]);
}

function recoveredDb(db: Db): Db {
  if (!recovered.has(db)) recoverInterruptedJobs(db);
  return db;
}

function publicJob(entry: JobEntry): TrainingJob {
  return { ...entry.job };
}

const jobNotFound = (id: string) => new ApiError(404, 'NOT_FOUND', `No training job ${id}.`, { resource: 'training-job', id });

/** A job: live progress while this process runs it, else as stored. */
export function getJob(db: Db, id: string): TrainingJob {
  const entry = running.get(id);
  if (entry) return publicJob(entry);
  const stored = findJob(recoveredDb(db), id);
  if (!stored) throw jobNotFound(id);
  return stored;
}

/** The newest jobs first (running ones with live progress), finished ones from earlier server runs included. */
export function listJobs(db: Db): TrainingJob[] {
  return listStoredJobs(recoveredDb(db)).map((job) => (running.has(job.id) ? publicJob(running.get(job.id)!) : job));
}

/** Resolves when the job has finished (tests). */
export async function waitForJob(id: string): Promise<TrainingJob> {
  const entry = running.get(id);
  if (!entry) return getJob(getDb(), id);
  await entry.done;
  return publicJob(entry);
}

/** Asks a running job to stop; a finished job is returned as it is. */
export function cancelJob(db: Db, id: string): TrainingJob {
  const entry = running.get(id);
  if (!entry) return getJob(db, id);
  entry.token.cancel();
  entry.job.stage = 'cancelling';
  return publicJob(entry);
}

/**
 * Starts a training run on the CURRENT spans of one dataset (or all datasets): exports them
 * (positives and negatives) as an engine span file and the candles as CSVs into a work folder,
 * then trains in the engine (off the JS thread) with progress and a cancel token. One run at a time.
 */
export function startJob(db: Db, input: TrainingStart): TrainingJob {
  if (running.size > 0) throw new ApiError(409, 'TRAINING_BUSY', 'A training run is in progress; wait for it or cancel it.');
  const prepared = prepareEngineRun(db, { preset: input.preset, datasetId: input.datasetId, includeTalib: input.includeTalib ?? true, minExamples: input.minExamples }, 'candle-train-');
  const { exported, workDir } = prepared;

  const job: TrainingJob = {
    id: crypto.randomUUID(),
    state: 'running',
    preset: input.preset,
    datasetIds: prepared.datasets.map((d) => d.id),
    includeTalib: prepared.includeTalib,
    stage: 'queued',
    fraction: 0,
    startedAt: Date.now(),
    finishedAt: null,
    spans: { exported: exported.annotations.length, negatives: exported.annotations.filter((a) => a.kind === 'negative').length, dropped: exported.dropped.length },
    outcome: null,
    error: null,
  };
  // Stored before the engine starts: a run the database does not know about never begins.
  try {
    insertJob(db, job);
  } catch (error) {
    prepared.cleanup();
    throw error;
  }
  const token = engine.createCancelToken();
  const entry: JobEntry = { job, token, workDir, done: Promise.resolve() };
  const onProgress = (p: engine.TrainProgress) => {
    if (job.state !== 'running') return;
    if (job.stage !== 'cancelling') job.stage = p.stage;
    job.fraction = Math.max(job.fraction, p.fraction);
  };
  // A synchronous throw (bad config) must still end in the catch below, so the stored row is finished.
  entry.done = Promise.resolve()
    .then(() => engine.trainWithProgress({ config: prepared.config, rootDir: prepared.rootDir }, onProgress, token))
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
      job.error = { code, message: error instanceof Error ? withoutWorkPaths(error.message) : String(error) };
      if (job.state === 'failed') console.error('[training] run failed', error);
    })
    .finally(() => {
      job.finishedAt = Date.now();
      prepared.cleanup();
      try {
        // The process's connection now: it may have been reopened while the engine trained.
        finishJob(getDb(), job);
      } catch (error) {
        console.error('[training] could not store the finished job', job.id, error);
      } finally {
        running.delete(job.id);
      }
    });
  running.set(job.id, entry);
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
