import 'server-only';
import type { Db } from '@/server/db/database';
import { failOrphanedRows } from '@/server/jobs/backgroundJobs';
import type { LabelErrorRun, ReviewDecision, RunState } from '../types';

/** Finished runs kept (newest first); older ones and their reviews are deleted. */
export const RUNS_KEPT = 10;

export const SERVER_RESTARTED = {
  code: 'SERVER_RESTARTED',
  message: 'The server restarted while this label-error run was in progress, so it did not finish. Start it again.',
} as const;

interface RunRow {
  id: string;
  state: RunState;
  stage: string;
  fraction: number;
  preset: string;
  folds: number;
  include_talib: number;
  dataset_ids: string;
  summary: string | null;
  items: string | null;
  error_code: string | null;
  error_message: string | null;
  started_at: number;
  finished_at: number | null;
}

function reviewsOf(db: Db, runId: string): Record<string, ReviewDecision> {
  const rows = db.prepare('SELECT annotation_id, decision FROM label_error_reviews WHERE run_id = ?').all(runId) as {
    annotation_id: string;
    decision: ReviewDecision;
  }[];
  return Object.fromEntries(rows.map((r) => [r.annotation_id, r.decision]));
}

const toRun = (db: Db, r: RunRow): LabelErrorRun => ({
  id: r.id,
  state: r.state,
  stage: r.stage,
  fraction: r.fraction,
  preset: r.preset,
  folds: r.folds,
  includeTalib: r.include_talib === 1,
  datasetIds: JSON.parse(r.dataset_ids),
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  summary: r.summary === null ? null : JSON.parse(r.summary),
  items: r.items === null ? [] : JSON.parse(r.items),
  reviews: reviewsOf(db, r.id),
  error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
});

function params(run: LabelErrorRun) {
  return {
    id: run.id,
    state: run.state,
    stage: run.stage,
    fraction: run.fraction,
    preset: run.preset,
    folds: run.folds,
    includeTalib: run.includeTalib ? 1 : 0,
    datasetIds: JSON.stringify(run.datasetIds),
    summary: run.summary === null ? null : JSON.stringify(run.summary),
    items: run.state === 'succeeded' ? JSON.stringify(run.items) : null,
    errorCode: run.error?.code ?? null,
    errorMessage: run.error?.message ?? null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

export function insertRun(db: Db, run: LabelErrorRun): void {
  db.prepare(
    `INSERT INTO label_error_runs (id, state, stage, fraction, preset, folds, include_talib, dataset_ids, summary, items, error_code, error_message, started_at, finished_at)
     VALUES (@id, @state, @stage, @fraction, @preset, @folds, @includeTalib, @datasetIds, @summary, @items, @errorCode, @errorMessage, @startedAt, @finishedAt)`,
  ).run(params(run));
}

/** Records how a run ended (only a row still 'running' changes), then trims old runs, in one transaction. */
export function finishRun(db: Db, run: LabelErrorRun): boolean {
  return db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE label_error_runs SET state = @state, stage = @stage, fraction = @fraction, summary = @summary, items = @items,
           error_code = @errorCode, error_message = @errorMessage, finished_at = @finishedAt
         WHERE id = @id AND state = 'running'`,
      )
      .run(params(run)).changes;
    db.prepare(
      `DELETE FROM label_error_runs WHERE state != 'running' AND id NOT IN
         (SELECT id FROM label_error_runs WHERE state != 'running' ORDER BY started_at DESC LIMIT ?)`,
    ).run(RUNS_KEPT);
    return changed > 0;
  })();
}

export function findRun(db: Db, id: string): LabelErrorRun | null {
  const row = db.prepare('SELECT * FROM label_error_runs WHERE id = ?').get(id) as RunRow | undefined;
  return row ? toRun(db, row) : null;
}

/** Runs newest first, without their item lists (those come with `findRun`). */
export function listRuns(db: Db): LabelErrorRun[] {
  const rows = db.prepare('SELECT * FROM label_error_runs ORDER BY started_at DESC').all() as RunRow[];
  return rows.map((r) => ({ ...toRun(db, { ...r, items: null }), reviews: {} }));
}

/** The newest run that succeeded, with its items and reviews. */
export function latestSucceededRun(db: Db): LabelErrorRun | null {
  const row = db
    .prepare("SELECT * FROM label_error_runs WHERE state = 'succeeded' ORDER BY started_at DESC LIMIT 1")
    .get() as RunRow | undefined;
  return row ? toRun(db, row) : null;
}

/** Marks stored 'running' runs that no live run of this process owns as failed (SERVER_RESTARTED). */
export function failOrphanedRuns(db: Db, liveIds: readonly string[]): number {
  return failOrphanedRows(db, 'label_error_runs', liveIds, SERVER_RESTARTED.message);
}

export function saveReview(db: Db, runId: string, annotationId: string, decision: ReviewDecision): void {
  db.prepare(
    `INSERT INTO label_error_reviews (run_id, annotation_id, decision, reviewed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, annotation_id) DO UPDATE SET decision = excluded.decision, reviewed_at = excluded.reviewed_at`,
  ).run(runId, annotationId, decision, Date.now());
}

export function deleteReview(db: Db, runId: string, annotationId: string): void {
  db.prepare('DELETE FROM label_error_reviews WHERE run_id = ? AND annotation_id = ?').run(runId, annotationId);
}
