import 'server-only';
import type { Db } from '@/server/db/database';
import { findSimilar, type CandleColumns, type SimilarOptions } from '@/server/engine';
import { badRequest } from '@/server/http/apiError';
import { engineApiError } from '@/server/http/engineErrors';
import { listAnnotations } from '@/features/annotations/server';
import { lowerBound, upperBound, HUMAN_LAYER_SOURCES } from '@/features/annotations';
import { loadCandleColumns, getDataset, listDatasets } from '@/features/datasets/server';
import type { Dataset } from '@/features/datasets';
import { getLabel, listLabels } from '@/features/labels/server';
import { miniCandles } from '../lib/miniCandles';
import { saveRun } from './similarRunRepository';
import type { SimilarRequest } from '../schemas';
import type { SimilarResponse } from '../types';

type ReportSpan = NonNullable<SimilarOptions['humanSpans']>[number];

/** Candle indices of an inclusive time range, or null when no candle lies inside it. */
function indexRange(time: Float64Array, start: number, end: number): { start: number; end: number } | null {
  const i0 = lowerBound(time, start);
  const i1 = upperBound(time, end) - 1;
  return i0 <= i1 ? { start: i0, end: i1 } : null;
}

/** The query's dataset first, then the other datasets searched (same project, with candles). */
function searchedDatasets(db: Db, request: SimilarRequest): Dataset[] {
  const query = getDataset(db, request.datasetId);
  const others = request.datasetIds
    ? request.datasetIds.map((id) => getDataset(db, id))
    : listDatasets(db, query.projectId);
  for (const d of others)
    if (d.projectId !== query.projectId)
      throw badRequest('OTHER_PROJECT', `Dataset ${d.id} belongs to another project than the query's.`);
  return [query, ...others.filter((d) => d.id !== query.id && d.candleCount > 0)];
}

/**
 * "Find similar": searches every dataset of the project for windows shaped like the query span
 * (the engine's findSimilar). People's spans and the TA-Lib layer go along, so the result carries
 * the labelling-function report (stored: the Auto-label tab shows it beside TA-Lib's); results
 * already covered by a span of the label are marked.
 * `signal` (the request's) cancels the engine run when the client goes away.
 */
export async function findSimilarSpans(
  db: Db,
  request: SimilarRequest,
  signal?: AbortSignal,
): Promise<SimilarResponse> {
  const started = performance.now();
  const datasets = searchedDatasets(db, request);
  const columns: CandleColumns[] = datasets.map((d) => loadCandleColumns(db, d.id));
  const query = indexRange(columns[0].time, request.start, request.end);
  if (!query) throw badRequest('EMPTY_SPAN', 'No candle of the dataset lies within the selected span.');
  if (query.end - query.start + 1 < 5)
    throw badRequest('SPAN_TOO_SHORT', 'Select at least 5 candles: shorter spans have no shape to search for.');

  const label = request.labelId !== undefined ? getLabel(db, request.labelId) : null;
  const labelNames = new Map(listLabels(db, datasets[0].projectId).map((l) => [l.id, l.name]));
  const targetOf = new Map(datasets.map((d, i) => [d.id, i]));
  const humanSpans: ReportSpan[] = [];
  const machineSpans: ReportSpan[] = [];
  const labelled: Array<Array<{ start: number; end: number }>> = datasets.map(() => []);
  for (const a of listAnnotations(db, { projectId: datasets[0].projectId })) {
    const target = targetOf.get(a.datasetId);
    if (target === undefined) continue;
    const range = indexRange(columns[target].time, a.start, a.end);
    if (!range) continue;
    const span = { target, ...range, label: labelNames.get(a.labelId) ?? '', negative: a.kind === 'negative' };
    if (a.source === 'talib') machineSpans.push(span);
    else if (HUMAN_LAYER_SOURCES.includes(a.source) || a.kind === 'negative') humanSpans.push(span);
    if (label && a.labelId === label.id && a.kind === 'positive') labelled[target].push(range);
  }

  let result;
  try {
    result = await findSimilar(
      [{ target: 0, start: query.start, end: query.end }],
      columns,
      {
        channels: request.channels,
        stretch: request.stretch,
        dtw: request.dtw ? { band: 0.1 } : undefined,
        maxResults: request.maxResults,
        minSimilarity: request.minSimilarity,
        label: label?.name,
        humanSpans,
        machineSpans,
      },
      signal,
    );
  } catch (error) {
    throw engineApiError(error, { CANCELLED: 'The search was cancelled.' }) ?? error;
  }

  const matches = Array.from(result.start, (start, i) => {
    const target = result.target[i];
    const end = result.end[i];
    const c = columns[target];
    return {
      rank: i + 1,
      datasetId: datasets[target].id,
      datasetName: datasets[target].name,
      start: c.time[start],
      end: c.time[end],
      candles: end - start + 1,
      similarity: result.similarity[i],
      distance: result.distance[i],
      labelled: labelled[target].some((r) => r.start <= end && start <= r.end),
      thumbnail: miniCandles(c, start, end),
    };
  });
  const r = result.report;
  const report = {
    label: r.label,
    count: r.count,
    coverage: r.coverage,
    overlaps: r.overlaps,
    conflicts: r.conflicts,
    precision: r.precision,
    recall: r.recall,
    perDataset: r.perTarget.map((t) => ({
      datasetId: datasets[t.target].id,
      datasetName: datasets[t.target].name,
      count: t.count,
      coverage: t.coverage,
    })),
  };
  const { datasetId: _query, start: _start, end: _end, labelId: _label, ...options } = request;
  saveRun(db, {
    projectId: datasets[0].projectId,
    datasetId: datasets[0].id,
    labelId: label?.id ?? null,
    start: request.start,
    end: request.end,
    options,
    report,
  });
  return {
    query: {
      datasetId: datasets[0].id,
      start: columns[0].time[query.start],
      end: columns[0].time[query.end],
      candles: query.end - query.start + 1,
      thumbnail: miniCandles(columns[0], query.start, query.end),
    },
    labelId: label?.id ?? null,
    matches,
    report,
    stats: {
      datasets: datasets.length,
      candles: result.stats.candles,
      windows: result.stats.windows,
      lengths: result.stats.lengths[0] ?? [],
      elapsedMs: Math.round(performance.now() - started),
    },
  };
}
