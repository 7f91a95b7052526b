import 'server-only';
import crypto from 'node:crypto';
import { getDb, type Db } from '@/server/db/database';
import * as engine from '@/server/engine';
import { ApiError } from '@/server/http/apiError';
import { engineLabelName } from '@/features/training/lib/engineExport';
import { prepareEngineRun, withoutWorkPaths, type EngineRunInput } from '@/features/training/server/engineRunInput';
import type { LabelCheckStart, ReviewInput } from '../schemas';
import type { LabelCheckRun, LabelErrorItem } from '../types';
import { deleteReview, failOrphanedRuns, findRun, finishRun, insertRun, latestSucceededRun, listRuns, saveReview } from './labelCheckRepository';

const HUMAN_SOURCES = new Set(['human', 'model-confirmed', 'model-corrected']);

interface LiveRun {
  run: LabelCheckRun;
  token: engine.CancelToken;
  done: Promise<void>;
}

// Runs this process is executing (cancel token, live progress); everything else is in SQLite.
// On globalThis so that module re-evaluation (Next dev, route bundles) shares one table.
const g = globalThis as unknown as { __candleLabelChecks?: Map<string, LiveRun> };
const live: Map<string, LiveRun> = (g.__candleLabelChecks ??= new Map());
const recovered = new WeakSet<Db>();

/** Runs left 'running' by an earlier server process become failed (SERVER_RESTARTED), once per connection. */
function recoveredDb(db: Db): Db {
  if (!recovered.has(db)) {
    recovered.add(db);
    failOrphanedRuns(db, [...live.keys()]);
  }
  return db;
}

/** The engine's ranked issues as app items: annotation ids, app label ids, `null` for "no pattern". */
export function toItems(report: engine.LabelErrorReport, input: Pick<EngineRunInput, 'annotations' | 'labelNames' | 'talibLabels'>): LabelErrorItem[] {
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

function current(db: Db, id: string): LabelCheckRun {
  const running = live.get(id);
  if (running) return { ...running.run, items: [], reviews: {} };
  const stored = findRun(recoveredDb(db), id);
  if (!stored) throw new ApiError(404, 'NOT_FOUND', `No label check ${id}.`, { resource: 'label-check', id });
  return stored;
}

export const getRun = current;

/** Runs newest first (without items), with live progress for running ones. */
export function listChecks(db: Db): LabelCheckRun[] {
  return listRuns(recoveredDb(db)).map((r) => (live.has(r.id) ? { ...live.get(r.id)!.run, items: [], reviews: {} } : r));
}

/** The newest finished check with its items and reviews, and the running one, if any. */
export function latestCheck(db: Db): { latest: LabelCheckRun | null; running: LabelCheckRun | null } {
  const running = [...live.values()][0];
  return { latest: latestSucceededRun(recoveredDb(db)), running: running ? { ...running.run, items: [], reviews: {} } : null };
}

/** Resolves when the run has ended (tests). */
export async function waitForCheck(db: Db, id: string): Promise<LabelCheckRun> {
  await live.get(id)?.done;
  return current(db, id);
}

export function cancelCheck(db: Db, id: string): LabelCheckRun {
  const running = live.get(id);
  if (running && running.run.state === 'running') {
    running.token.cancel();
    running.run.stage = 'cancelling';
  }
  return current(db, id);
}

export function reviewItem(db: Db, id: string, input: ReviewInput): LabelCheckRun {
  const run = current(db, id);
  if (run.state !== 'succeeded') throw new ApiError(409, 'NOT_FINISHED', `Label check ${id} has no results to review (${run.state}).`);
  if (!run.items.some((i) => i.annotationId === input.annotationId))
    throw new ApiError(404, 'NOT_FOUND', `Span ${input.annotationId} is not in label check ${id}.`, { resource: 'label-check-item', id: input.annotationId });
  if (input.decision === 'kept') saveReview(db, id, input.annotationId, 'kept');
  else deleteReview(db, id, input.annotationId);
  return current(db, id);
}

/**
 * Starts a label check on the CURRENT spans: the engine cross-validates a model of the chosen
 * preset over them (off the JS thread) and ranks the human spans by self-confidence. One at a time.
 */
export function startCheck(db: Db, input: LabelCheckStart): LabelCheckRun {
  recoveredDb(db);
  if (live.size) throw new ApiError(409, 'LABEL_CHECK_BUSY', 'A label check is running; wait for it or cancel it.');
  // TA-Lib labels are off unless asked for: the check is about the project's own label set, and
  // with them on the model may suggest a TA-Lib pattern nobody here labels.
  const prepared = prepareEngineRun(db, { preset: input.preset, datasetId: input.datasetId, includeTalib: input.includeTalib ?? false }, 'candle-labels-');
  const humans = prepared.exported.annotations.filter((a) => a.kind === 'positive' && HUMAN_SOURCES.has(a.source));
  if (!humans.length) {
    prepared.cleanup();
    throw new ApiError(400, 'NO_HUMAN_SPANS', 'There are no human spans to check: label some candles first (TA-Lib spans are not checked).');
  }
  const run: LabelCheckRun = {
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
  try {
    insertRun(db, run);
  } catch (error) {
    prepared.cleanup();
    throw error;
  }
  const token = engine.createCancelToken();
  const entry: LiveRun = { run, token, done: Promise.resolve() };
  live.set(run.id, entry);
  const onProgress = (p: engine.TrainProgress) => {
    if (run.state !== 'running') return;
    if (run.stage !== 'cancelling') run.stage = p.stage;
    run.fraction = Math.max(run.fraction, p.fraction);
  };
  // A synchronous throw must still reach the catch below, so the stored row is finished.
  entry.done = Promise.resolve()
    .then(() => engine.findLabelErrors({ config: prepared.config, rootDir: prepared.rootDir }, { folds: run.folds }, onProgress, token))
    .then((report) => {
      run.items = toItems(report, prepared);
      run.summary = {
        folds: report.folds,
        modelType: report.modelType,
        scored: run.items.length,
        likelyErrors: run.items.filter((i) => i.likelyError).length,
        unscored: report.unscored.length,
        outOfFoldAccuracy: report.outOfFoldAccuracy,
        thresholds: report.thresholds,
        warnings: report.warnings.map(withoutWorkPaths),
      };
      run.state = 'succeeded';
      run.stage = 'done';
      run.fraction = 1;
    })
    .catch((error: unknown) => {
      const code = engine.isEngineError(error) ? error.code : 'LABEL_CHECK_FAILED';
      run.state = code === 'CANCELLED' || token.cancelled ? 'cancelled' : 'failed';
      run.stage = run.state;
      run.error = { code, message: error instanceof Error ? withoutWorkPaths(error.message) : String(error) };
      if (run.state === 'failed') console.error('[label-check] run failed', error);
    })
    .then(() => {
      run.finishedAt = Date.now();
      // The process's connection now: it may have been reopened while the engine worked.
      finishRun(getDb(), run);
    })
    .catch((error: unknown) => console.error('[label-check] could not store the result', error))
    .finally(() => {
      live.delete(run.id);
      prepared.cleanup();
    });
  return { ...run };
}
