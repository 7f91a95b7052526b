import 'server-only';
import crypto from 'node:crypto';
import type { Db } from '@/server/db/database';
import { BackgroundJobs } from '@/server/jobs/backgroundJobs';
import * as engine from '@/server/engine';
import { ApiError } from '@/server/http/apiError';
import { engineLabelName } from '@/features/training';
import { prepareEngineRun, withoutWorkPaths, type EngineRunInput } from '@/features/training/server';
import type { LabelErrorRunStart, ReviewInput } from '../schemas';
import type { LabelErrorRun, LabelErrorItem } from '../types';
import {
  deleteReview,
  failOrphanedRuns,
  findRun,
  finishRun,
  insertRun,
  latestSucceededRun,
  listRuns,
  saveReview,
} from './labelErrorRunRepository';

const HUMAN_SOURCES = new Set(['human', 'model-confirmed', 'model-corrected', 'similar']);

// Every run is stored in SQLite (label_error_runs); the runner holds the one this process executes.
const labelErrorJobs = new BackgroundJobs<LabelErrorRun>(
  '__candleLabelErrorRuns',
  { insert: insertRun, finish: finishRun, failOrphans: failOrphanedRuns },
  'LABEL_ERROR_RUN_FAILED',
);

/** A running label-error run as the API shows it: progress only (items come when it has finished). */
const progressOnly = (run: LabelErrorRun): LabelErrorRun => ({ ...run, items: [], reviews: {} });

/** The engine's ranked issues as app items: annotation ids, app label ids, `null` for "no pattern". */
export function toItems(
  report: engine.LabelErrorReport,
  input: Pick<EngineRunInput, 'annotations' | 'labelNames' | 'talibLabels'>,
): LabelErrorItem[] {
  const byId = new Map(input.annotations.map((a) => [a.id, a]));
  const labelIdOfEngineName = new Map<string, number>();
  for (const [id, name] of input.labelNames) {
    const engineName = engineLabelName(name, input.talibLabels);
    if (!labelIdOfEngineName.has(engineName)) labelIdOfEngineName.set(engineName, id);
  }
  const items: LabelErrorItem[] = [];
  for (const issue of report.issues) {
    const annotation = issue.id ? byId.get(issue.id) : undefined;
    if (!annotation) continue;
    const suggestion = issue.suggestedLabel === 'background' ? null : issue.suggestedLabel;
    items.push({
      rank: items.length + 1,
      annotationId: annotation.id,
      datasetId: annotation.datasetId,
      start: issue.startTime,
      end: issue.endTime,
      labelId: annotation.labelId,
      label: input.labelNames.get(annotation.labelId) ?? issue.label,
      selfConfidence: issue.selfConfidence,
      suggestedLabel: suggestion,
      suggestedLabelId: suggestion === null ? null : (labelIdOfEngineName.get(suggestion) ?? null),
      suggestedProbability: issue.suggestedProbability,
      likelyError: issue.likelyError,
    });
  }
  return items;
}

/** A check: live progress while this process runs it, else as stored (with items and reviews). */
export function getRun(db: Db, id: string): LabelErrorRun {
  const running = labelErrorJobs.running(id);
  if (running) return progressOnly(running);
  const stored = findRun(labelErrorJobs.db(db), id);
  if (!stored) throw new ApiError(404, 'NOT_FOUND', `No label-error run ${id}.`, { resource: 'label-error-run', id });
  return stored;
}

/** Runs newest first (without items), with live progress for running ones. */
export function listAllRuns(db: Db): LabelErrorRun[] {
  return listRuns(labelErrorJobs.db(db)).map((r) => {
    const running = labelErrorJobs.running(r.id);
    return running ? progressOnly(running) : r;
  });
}

/** The newest finished check with its items and reviews, and the running one, if any. */
export function latestRun(db: Db): { latest: LabelErrorRun | null; running: LabelErrorRun | null } {
  const running = labelErrorJobs.runningJobs()[0];
  return { latest: latestSucceededRun(labelErrorJobs.db(db)), running: running ? progressOnly(running) : null };
}

/** Resolves when the run has ended (tests). */
export async function waitForRun(db: Db, id: string): Promise<LabelErrorRun> {
  await labelErrorJobs.wait(id);
  return getRun(db, id);
}

export function cancelRun(db: Db, id: string): LabelErrorRun {
  labelErrorJobs.cancel(id);
  return getRun(db, id);
}

export function reviewItem(db: Db, id: string, input: ReviewInput): LabelErrorRun {
  const run = getRun(db, id);
  if (run.state !== 'succeeded')
    throw new ApiError(409, 'NOT_FINISHED', `Label-error run ${id} has no results to review (${run.state}).`);
  if (!run.items.some((i) => i.annotationId === input.annotationId))
    throw new ApiError(404, 'NOT_FOUND', `Span ${input.annotationId} is not in label-error run ${id}.`, {
      resource: 'label-error-item',
      id: input.annotationId,
    });
  if (input.decision === 'kept') saveReview(db, id, input.annotationId, 'kept');
  else deleteReview(db, id, input.annotationId);
  return getRun(db, id);
}

/**
 * Starts a label-error run on the CURRENT spans: the engine cross-validates a model of the chosen
 * preset over them (off the JS thread) and ranks the human spans by self-confidence. One at a time.
 */
export function startRun(db: Db, input: LabelErrorRunStart): LabelErrorRun {
  if (labelErrorJobs.isBusy())
    throw new ApiError(409, 'LABEL_ERROR_RUN_BUSY', 'A label-error run is in progress; wait for it or cancel it.');
  // TA-Lib labels are off unless asked for: the run is about the project's own label set, and
  // with them on the model may suggest a TA-Lib pattern nobody here labels.
  const prepared = prepareEngineRun(
    db,
    { preset: input.preset, datasetId: input.datasetId, includeTalib: input.includeTalib ?? false },
    'candle-labels-',
  );
  const humans = prepared.exported.annotations.filter((a) => a.kind === 'positive' && HUMAN_SOURCES.has(a.source));
  if (!humans.length) {
    prepared.cleanup();
    throw new ApiError(
      400,
      'NO_HUMAN_SPANS',
      'There are no human spans to check: label some candles first (TA-Lib spans are not checked).',
    );
  }
  const run: LabelErrorRun = {
    id: crypto.randomUUID(),
    state: 'running',
    stage: 'queued',
    fraction: 0,
    preset: input.preset,
    folds: input.folds ?? 5,
    includeTalib: prepared.includeTalib,
    datasetIds: prepared.datasets.map((d) => d.id),
    startedAt: Date.now(),
    finishedAt: null,
    summary: null,
    items: [],
    reviews: {},
    error: null,
  };
  return labelErrorJobs.start(db, run, {
    run: (onProgress, signal) =>
      engine.findLabelErrors(
        { config: prepared.config, rootDir: prepared.rootDir },
        { folds: run.folds },
        onProgress,
        signal,
      ),
    succeeded: (r, report) => {
      r.items = toItems(report, prepared);
      r.summary = {
        folds: report.folds,
        modelType: report.modelType,
        scored: r.items.length,
        likelyErrors: r.items.filter((i) => i.likelyError).length,
        unscored: report.unscored.length,
        outOfFoldAccuracy: report.outOfFoldAccuracy,
        thresholds: report.thresholds,
        warnings: report.warnings.map(withoutWorkPaths),
      };
    },
    describeError: withoutWorkPaths,
    cleanup: prepared.cleanup,
  });
}
