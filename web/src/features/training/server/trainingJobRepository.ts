import 'server-only';
import type { Db } from '@/server/db/database';
import { failOrphanedRows } from '@/server/jobs/backgroundJobs';
import type { JobState, TrainingJob } from './trainingJobs';

/** The code and message of a job that was running when its server process ended. */
export const SERVER_RESTARTED = {
  code: 'SERVER_RESTARTED',
  message:
    'The server restarted while this job was running, so it did not finish and published nothing. Start it again.',
} as const;

/** How many jobs `GET /api/training` lists (newest first). */
export const JOB_LIST_LIMIT = 50;

interface JobRow {
  id: string;
  preset: string;
  state: JobState;
  stage: string;
  fraction: number;
  dataset_ids: string;
  include_talib: number;
  spans: string;
  outcome: string | null;
  error_code: string | null;
  error_message: string | null;
  started_at: number;
  finished_at: number | null;
}

const toJob = (r: JobRow): TrainingJob => ({
  id: r.id,
  state: r.state,
  preset: r.preset as TrainingJob['preset'],
  datasetIds: JSON.parse(r.dataset_ids),
  includeTalib: r.include_talib === 1,
  stage: r.stage,
  fraction: r.fraction,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  spans: JSON.parse(r.spans),
  outcome: r.outcome === null ? null : JSON.parse(r.outcome),
  error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
});

export function insertJob(db: Db, job: TrainingJob): void {
  db.prepare(
    `INSERT INTO training_jobs (id, preset, state, stage, fraction, dataset_ids, include_talib, spans, version, outcome, error_code, error_message, started_at, finished_at)
     VALUES (@id, @preset, @state, @stage, @fraction, @datasetIds, @includeTalib, @spans, @version, @outcome, @errorCode, @errorMessage, @startedAt, @finishedAt)`,
  ).run(params(job));
}

/**
 * Records how a job ended. Only a row still 'running' is changed: one already declared failed
 * (SERVER_RESTARTED) stays as it was. Returns false when nothing was changed.
 */
export function finishJob(db: Db, job: TrainingJob): boolean {
  const changed = db
    .prepare(
      `UPDATE training_jobs SET state = @state, stage = @stage, fraction = @fraction, version = @version, outcome = @outcome,
         error_code = @errorCode, error_message = @errorMessage, finished_at = @finishedAt
       WHERE id = @id AND state = 'running'`,
    )
    .run(params(job)).changes;
  return changed > 0;
}

function params(job: TrainingJob) {
  return {
    id: job.id,
    preset: job.preset,
    state: job.state,
    stage: job.stage,
    fraction: job.fraction,
    datasetIds: JSON.stringify(job.datasetIds),
    includeTalib: job.includeTalib ? 1 : 0,
    spans: JSON.stringify(job.spans),
    version: job.outcome?.version ?? null,
    outcome: job.outcome === null ? null : JSON.stringify(job.outcome),
    errorCode: job.error?.code ?? null,
    errorMessage: job.error?.message ?? null,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

export function findJob(db: Db, id: string): TrainingJob | undefined {
  const row = db.prepare('SELECT * FROM training_jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row ? toJob(row) : undefined;
}

export function listStoredJobs(db: Db, limit = JOB_LIST_LIMIT): TrainingJob[] {
  return (
    db.prepare('SELECT * FROM training_jobs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as JobRow[]
  ).map(toJob);
}

/**
 * Marks as failed (SERVER_RESTARTED) every job stored as 'running' that is not one of `liveIds`
 * (the runs this process is executing): their process is gone, they will never finish.
 */
export function failOrphanedJobs(db: Db, liveIds: readonly string[], now = Date.now()): number {
  return failOrphanedRows(db, 'training_jobs', liveIds, SERVER_RESTARTED.message, now);
}
