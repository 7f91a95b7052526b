import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Db } from '@/server/db/database';
import { badRequest } from '@/server/http/apiError';
import { findDatasetByName, getDataset, loadCandleTimes } from '@/features/datasets/server';
import type { Dataset } from '@/features/datasets';
import { listLabels } from '@/features/labels/server';
import { insertRow, findRow, ANONYMOUS } from '@/features/annotations/server';
import { arrayClock, snapToCandles, type TimeRange } from '@/features/annotations';
import { resolveProject } from '@/features/projects/server';
import type { Project } from '@/features/projects';
import { colorForName } from '@/features/autolabel';
import { ImportParseError, parseImport, type ParsedSpan, type ParseProblem } from '../lib/importFormats';
import { parseDateUtc, resolveTimeValues } from '@/server/engine';
import type { ImportQuery } from '../schemas';

import type { SpanImportReport } from '../types';

/**
 * The most bytes a span file may have. Spans are parsed as one string in JS (JSON.parse or the CSV
 * reader), so this stays far below the CSV upload limit; 50 MB holds a few hundred thousand spans.
 */
export const SPAN_FILE_MAX_BYTES = 50 * 1024 * 1024;

function timestamp(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return Number.isFinite(value) ? value : fallback;
  return parseDateUtc(value) ?? fallback;
}

export interface ResolvedSpan {
  span: ParsedSpan;
  dataset: Dataset;
  labelId: number;
  /** Snapped to the dataset's candles. */
  range: TimeRange;
}

export interface SpanResolution {
  resolved: ResolvedSpan[];
  skipped: ParseProblem[];
  createdLabels: string[];
}

export interface ResolveOptions {
  /** The dataset every span goes to; else each span's `dataset` (by name, in `project`). */
  fixedDataset?: Dataset;
  project: Project;
  timeUnit: ImportQuery['timeUnit'];
  createLabels: boolean;
  now: number;
}

/**
 * The import mapping without the writes of spans: each parsed span's dataset, label (created
 * when missing and `createLabels`) and candle-snapped range, or why it is skipped. Creates labels,
 * so call it inside the caller's transaction.
 */
export function resolveSpans(db: Db, spans: readonly ParsedSpan[], options: ResolveOptions): SpanResolution {
  const { fixedDataset, project, timeUnit, createLabels, now } = options;
  const skipped: ParseProblem[] = [];
  const createdLabels: string[] = [];
  const resolved: ResolvedSpan[] = [];
  const timesCache = new Map<number, Float64Array>();
  const labels = new Map(listLabels(db, project.id).map((l) => [l.name.toLowerCase(), l.id]));
  const insertLabel = db.prepare(
    'INSERT INTO labels (project_id, name, color, hotkey, description, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?, ?)',
  );
  for (const span of spans) {
    const dataset = fixedDataset ?? (span.dataset ? findDatasetByName(db, project.id, span.dataset) : undefined);
    if (!dataset) {
      skipped.push({
        position: span.position,
        reason: span.dataset ? `no dataset called "${span.dataset}"` : 'no dataset: name one in the file or pick one',
      });
      continue;
    }
    let times = timesCache.get(dataset.id);
    if (!times) {
      times = loadCandleTimes(db, dataset.id);
      timesCache.set(dataset.id, times);
    }
    const [start, end] = resolveTimeValues([span.start, span.end], times, timeUnit);
    if ('error' in start || 'error' in end) {
      skipped.push({
        position: span.position,
        reason: 'error' in start ? `start: ${start.error}` : `end: ${(end as { error: string }).error}`,
      });
      continue;
    }
    if (start.time > end.time) {
      skipped.push({ position: span.position, reason: 'start is after end' });
      continue;
    }
    const range = snapToCandles({ start: start.time, end: end.time }, arrayClock(times));
    if (!range) {
      skipped.push({ position: span.position, reason: `no candle of "${dataset.name}" between start and end` });
      continue;
    }
    let labelId = labels.get(span.label.toLowerCase());
    if (labelId === undefined) {
      if (!createLabels) {
        skipped.push({ position: span.position, reason: `unknown label "${span.label}"` });
        continue;
      }
      labelId = Number(
        insertLabel.run(project.id, span.label, colorForName(span.label), 'Created by an import', now, now)
          .lastInsertRowid,
      );
      labels.set(span.label.toLowerCase(), labelId);
      createdLabels.push(span.label);
    }
    resolved.push({ span, dataset, labelId, range });
  }
  return { resolved, skipped, createdLabels };
}

/**
 * Imports spans from our JSON or CSV export or a Label Studio export. Each span goes to the
 * dataset named by `datasetId` or, failing that, by its `dataset` field. Labels are matched by
 * name (case-insensitive) and created when missing (unless createLabels=false). Boundaries are
 * snapped to the dataset's candles. Spans already present (same id, or same dataset, label,
 * range, source and kind) are counted as duplicates. All-or-nothing: one transaction; a file
 * where nothing can be imported is a 400 and changes nothing.
 */
export function importSpans(db: Db, text: string, query: ImportQuery): SpanImportReport {
  let parsed;
  try {
    parsed = parseImport(text, query.format);
  } catch (error) {
    if (error instanceof ImportParseError) throw badRequest('IMPORT_PARSE_FAILED', error.message);
    throw error;
  }
  const fixedDataset = query.datasetId !== undefined ? getDataset(db, query.datasetId) : undefined;
  const project = fixedDataset ? resolveProject(db, fixedDataset.projectId) : resolveProject(db, query.projectId);
  const skipped: ParseProblem[] = [...parsed.problems];
  let createdLabels: string[] = [];
  const perDataset = new Map<number, { id: number; name: string; imported: number }>();
  let duplicates = 0;

  const result = db
    .transaction(() => {
      const now = Date.now();
      const resolution = resolveSpans(db, parsed.spans, {
        fixedDataset,
        project,
        timeUnit: query.timeUnit,
        createLabels: query.createLabels,
        now,
      });
      skipped.push(...resolution.skipped);
      createdLabels = resolution.createdLabels;
      const duplicate = db.prepare(
        'SELECT 1 FROM annotations WHERE dataset_id = ? AND label_id = ? AND start_time = ? AND end_time = ? AND source = ? AND kind = ? AND deleted_at IS NULL',
      );
      let imported = 0;
      for (const { span, dataset, labelId, range } of resolution.resolved) {
        const source = span.source ?? 'human';
        const kind = span.kind ?? 'positive';
        const id = span.id && /^[0-9a-f-]{36}$/i.test(span.id) ? span.id.toLowerCase() : randomUUID();
        if ((span.id && findRow(db, id)) || duplicate.get(dataset.id, labelId, range.start, range.end, source, kind)) {
          duplicates++;
          continue;
        }
        insertRow(
          db,
          id,
          {
            datasetId: dataset.id,
            labelId,
            ...range,
            kind,
            source,
            annotator: span.annotator || query.annotator || ANONYMOUS,
            direction: span.direction ?? null,
            note: span.note?.trim() ? span.note : null,
          },
          { createdAt: timestamp(span.created_at, now), updatedAt: timestamp(span.updated_at, now) },
        );
        imported++;
        const entry = perDataset.get(dataset.id) ?? { id: dataset.id, name: dataset.name, imported: 0 };
        entry.imported++;
        perDataset.set(dataset.id, entry);
      }
      if (imported === 0 && duplicates === 0) {
        const first = skipped[0];
        throw badRequest(
          'NOTHING_IMPORTED',
          `No span could be imported${first ? ` (item ${first.position}: ${first.reason})` : ': the file holds no spans'}.`,
          { skipped: skipped.slice(0, 100) },
        );
      }
      return imported;
    })
    .immediate();

  return {
    format: parsed.format,
    imported: result,
    duplicates,
    skipped: skipped.slice(0, 500),
    createdLabels,
    datasets: [...perDataset.values()],
  };
}
