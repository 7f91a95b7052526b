import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Db } from '@/server/db/database';
import { autoLabel, listPatterns, type HumanSpan, type PatternInfo } from '@/server/engine';
import { badRequest } from '@/server/http/apiError';
import { getDataset, loadCandleColumns } from '@/features/datasets/server';
import { listLabels } from '@/features/labels/server';
import { listAnnotations, insertRow } from '@/features/annotations/server';
import { lowerBound, upperBound, HUMAN_LAYER_SOURCES } from '@/features/annotations';
import { colorForName, matchLabel, normalizeLabelName } from '../lib/patternLabels';
import type { AutoLabelResponse, AutoLabelRun, PatternReportRow } from '../types';
import type { AutoLabelRequest } from '../schemas';

export function patternCatalog(): PatternInfo[] {
  return listPatterns();
}

function resolvePatterns(requested: readonly string[]): PatternInfo[] {
  const catalog = listPatterns();
  const out: PatternInfo[] = [];
  for (const r of requested) {
    const key = normalizeLabelName(r);
    const p = catalog.find((c) => normalizeLabelName(c.name) === key || normalizeLabelName(c.label) === key);
    if (!p) throw badRequest('UNKNOWN_PATTERN', `"${r}" is not a TA-Lib candlestick pattern (see GET /api/patterns).`);
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

interface RunRow {
  id: number;
  dataset_id: number;
  options: string;
  report: string;
  summary: string;
  created_at: number;
}

const toRun = (r: RunRow): AutoLabelRun => ({
  id: r.id,
  datasetId: r.dataset_id,
  options: JSON.parse(r.options),
  report: JSON.parse(r.report),
  summary: JSON.parse(r.summary),
  createdAt: r.created_at,
});

export function latestRun(db: Db, datasetId: number): AutoLabelRun | null {
  getDataset(db, datasetId);
  const row = db
    .prepare('SELECT * FROM autolabel_runs WHERE dataset_id = ? ORDER BY id DESC LIMIT 1')
    .get(datasetId) as RunRow | undefined;
  return row ? toRun(row) : null;
}

/**
 * Runs the engine's TA-Lib labelling functions over a dataset. The result replaces the dataset's
 * TA-Lib layer (spans with source 'talib'); human spans are untouched and are passed to the
 * engine so the report carries precision/recall against them. Pattern labels map onto project
 * labels by name ('morningstar' = 'morning star'); missing labels are created (no hotkey).
 */
export async function runAutoLabel(
  db: Db,
  datasetId: number,
  request: AutoLabelRequest,
  annotator: string,
): Promise<AutoLabelResponse> {
  const dataset = getDataset(db, datasetId);
  const patterns = resolvePatterns(request.patterns);
  const candles = loadCandleColumns(db, datasetId);
  const labels = listLabels(db, dataset.projectId);
  const labelById = new Map(labels.map((l) => [l.id, l]));

  // Human spans as candle-index ranges, named like the pattern they correspond to (if any).
  const humanSpans: HumanSpan[] = [];
  for (const a of listAnnotations(db, { datasetId, sources: HUMAN_LAYER_SOURCES })) {
    if (a.kind !== 'positive') continue;
    const start = lowerBound(candles.time, a.start);
    const end = upperBound(candles.time, a.end) - 1;
    if (start > end || start >= candles.time.length) continue;
    const labelName = labelById.get(a.labelId)?.name ?? '';
    const pattern = patterns.find((p) => normalizeLabelName(p.label) === normalizeLabelName(labelName));
    humanSpans.push({ start, end, label: pattern ? pattern.label : labelName });
  }

  const result = await autoLabel(candles, {
    patterns: patterns.map((p) => p.name),
    ...(request.minStrength ? { minStrength: request.minStrength } : {}),
    ...(humanSpans.length ? { humanSpans } : {}),
  });

  const report: PatternReportRow[] = result.report.map((r) => ({
    pattern: r.pattern,
    label: r.label,
    count: r.count,
    coverage: r.coverage,
    overlaps: r.overlaps,
    conflicts: r.conflicts,
    precision: r.precision ?? null,
    recall: r.recall ?? null,
  }));

  return db
    .transaction(() => {
      const now = Date.now();
      db.prepare("DELETE FROM annotations WHERE dataset_id = ? AND source = 'talib'").run(datasetId);
      const current = listLabels(db, dataset.projectId);
      const createdLabels: string[] = [];
      const labelFor = new Map<string, number>();
      const insertLabel = db.prepare(
        'INSERT INTO labels (project_id, name, color, hotkey, description, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?, ?)',
      );
      for (const p of patterns) {
        const existing = matchLabel(p.label, current);
        if (existing) labelFor.set(p.label, existing.id);
        else {
          const { lastInsertRowid } = insertLabel.run(
            dataset.projectId,
            p.label,
            colorForName(p.label),
            `TA-Lib ${p.name.toUpperCase()} (created by auto-labelling)`,
            now,
            now,
          );
          labelFor.set(p.label, Number(lastInsertRowid));
          createdLabels.push(p.label);
        }
      }
      let spanCount = 0;
      for (const s of result.spans) {
        const labelId =
          labelFor.get(s.label) ??
          labelFor.get(patterns.find((p) => normalizeLabelName(p.label) === normalizeLabelName(s.label))?.label ?? '');
        if (labelId === undefined) continue;
        insertRow(
          db,
          randomUUID(),
          {
            datasetId,
            labelId,
            start: s.startTime,
            end: s.endTime,
            kind: 'positive',
            source: 'talib',
            annotator,
            direction: s.direction,
            note: null,
          },
          { createdAt: now, updatedAt: now },
        );
        spanCount++;
      }
      const options = {
        patterns: patterns.map((p) => p.name),
        minStrength: request.minStrength ?? null,
        humanSpans: humanSpans.length,
      };
      const { lastInsertRowid } = db
        .prepare('INSERT INTO autolabel_runs (dataset_id, options, report, summary, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(datasetId, JSON.stringify(options), JSON.stringify(report), JSON.stringify(result.summary ?? null), now);
      const run = toRun(db.prepare('SELECT * FROM autolabel_runs WHERE id = ?').get(Number(lastInsertRowid)) as RunRow);
      return { run, spanCount, createdLabels };
    })
    .immediate();
}

/** Removes the dataset's TA-Lib layer (every span with source 'talib'). */
export function clearTalibLayer(db: Db, datasetId: number): number {
  getDataset(db, datasetId);
  return db.prepare("DELETE FROM annotations WHERE dataset_id = ? AND source = 'talib'").run(datasetId).changes;
}
