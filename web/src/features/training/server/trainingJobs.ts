import 'server-only';
import crypto from 'node:crypto';
import { getDb, type Db } from '@/server/db/database';
import * as engine from '@/server/engine';
import { ApiError } from '@/server/http/apiError';
import type { PresetName } from '../lib/presets';
import type { TrainingStart } from '../schemas';
import { BackgroundJobs, type JobCore } from '@/server/jobs/backgroundJobs';
import { prepareEngineRun, withoutWorkPaths } from './engineRunInput';
import { failOrphanedJobs, findJob, finishJob, insertJob, listStoredJobs } from './trainingJobRepository';

export type { JobState } from '@/server/jobs/backgroundJobs';

export interface TrainingJob extends JobCore {
  preset: PresetName;
  datasetIds: number[];
  includeTalib: boolean;
  spans: { exported: number; negatives: number; dropped: number };
  outcome: {
    version: string;
    modelType: string;
    metrics: engine.MetricsSummary;
    championMoved: boolean;
    champion: string | null;
    rounds?: unknown;
    warnings?: unknown;
  } | null;
}

// Every job is stored in SQLite (training_jobs); the runner holds the one this process executes.
const jobs = new BackgroundJobs<TrainingJob>(
  '__candleTrainingJobs',
  { insert: insertJob, finish: finishJob, failOrphans: failOrphanedJobs },
  'TRAINING_FAILED',
);

/** Marks jobs left 'running' by a previous server process as failed (SERVER_RESTARTED): at startup, and once per connection. */
export function recoverInterruptedJobs(db: Db): number {
  return jobs.recover(db);
}

const jobNotFound = (id: string) =>
  new ApiError(404, 'NOT_FOUND', `No training job ${id}.`, { resource: 'training-job', id });

/** A job: live progress while this process runs it, else as stored. */
export function getJob(db: Db, id: string): TrainingJob {
  const job = jobs.running(id) ?? findJob(jobs.db(db), id);
  if (!job) throw jobNotFound(id);
  return job;
}

/** The newest jobs first (running ones with live progress), finished ones from earlier server runs included. */
export function listJobs(db: Db): TrainingJob[] {
  return listStoredJobs(jobs.db(db)).map((job) => jobs.running(job.id) ?? job);
}

/** Resolves when the job has finished (tests). */
export async function waitForJob(id: string): Promise<TrainingJob> {
  await jobs.wait(id);
  return getJob(getDb(), id);
}

/** Asks a running job to stop; a finished job is returned as it is. */
export function cancelJob(db: Db, id: string): TrainingJob {
  jobs.cancel(id);
  return getJob(db, id);
}

/**
 * Starts a training run on the CURRENT spans of one dataset (or all datasets): exports them
 * (positives and negatives) as an engine span file and the candles as CSVs into a work folder,
 * then trains in the engine (off the JS thread) with progress and a cancel token. One run at a time.
 */
export function startJob(db: Db, input: TrainingStart): TrainingJob {
  if (jobs.isBusy())
    throw new ApiError(409, 'TRAINING_BUSY', 'A training run is in progress; wait for it or cancel it.');
  const prepared = prepareEngineRun(
    db,
    {
      preset: input.preset,
      datasetId: input.datasetId,
      includeTalib: input.includeTalib ?? true,
      minExamples: input.minExamples,
    },
    'candle-train-',
  );
  const { exported } = prepared;
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
    spans: {
      exported: exported.annotations.length,
      negatives: exported.annotations.filter((a) => a.kind === 'negative').length,
      dropped: exported.dropped.length,
    },
    outcome: null,
    error: null,
  };
  return jobs.start(db, job, {
    run: (onProgress, signal) =>
      engine.trainWithProgress({ config: prepared.config, rootDir: prepared.rootDir }, onProgress, signal),
    succeeded: (j, outcome) => {
      j.outcome = {
        version: outcome.version,
        modelType: outcome.modelType,
        metrics: outcome.metrics,
        championMoved: outcome.championMoved,
        champion: outcome.champion ?? null,
        rounds: outcome.rounds,
        warnings: outcome.warnings,
      };
    },
    describeError: withoutWorkPaths,
    cleanup: prepared.cleanup,
  });
}
