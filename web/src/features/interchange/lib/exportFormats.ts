import type { Annotation } from '@/features/annotations/types';
import { CSV_COLUMNS, SPAN_FORMAT_ID, SPAN_FORMAT_VERSION, type SpanExport, type SpanRecord } from './spanRecord';
import { toCsv } from './csv';

export const EXPORT_FORMATS = ['json', 'csv', 'labelstudio'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface DatasetInfo {
  id: number;
  name: string;
  symbol: string | null;
  timeframe: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toSpanRecord(a: Annotation, dataset: DatasetInfo, labelName: string): SpanRecord {
  const r: SpanRecord = {
    id: a.id,
    dataset: dataset.name,
    symbol: dataset.symbol,
    timeframe: dataset.timeframe,
    start: a.start,
    end: a.end,
    label: labelName,
    source: a.source,
    annotator: a.annotator,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
  if (a.note) r.note = a.note;
  if (a.direction) r.direction = a.direction;
  if (a.kind !== 'positive') r.kind = a.kind;
  return r;
}

export function spansToJson(spans: SpanRecord[], now = Date.now()): SpanExport {
  return { format: SPAN_FORMAT_ID, version: SPAN_FORMAT_VERSION, exported_at: iso(now), spans };
}

export function spansToCsv(spans: SpanRecord[]): string {
  return toCsv(
    CSV_COLUMNS,
    spans.map((s) => CSV_COLUMNS.map((c) => (c === 'kind' ? (s.kind ?? 'positive') : s[c]))),
  );
}

/** Label Studio's `timeserieslabels` result (start/end as epoch ms). */
export interface LabelStudioResult {
  id: string;
  type: 'timeserieslabels';
  from_name: string;
  to_name: string;
  origin?: string;
  value: { start: number; end: number; instant: boolean; timeserieslabels: string[] };
  meta?: { text: string[] };
}

export interface LabelStudioTask {
  id?: number;
  data: Record<string, unknown>;
  annotations: Array<{ id?: number; completed_by?: unknown; created_at?: string; updated_at?: string; result: LabelStudioResult[] }>;
}

/**
 * One Label Studio task per dataset, one annotation per annotator, one `timeserieslabels` result
 * per span (from_name "label", to_name "ts", times as epoch ms).
 */
export function spansToLabelStudio(spans: SpanRecord[], datasets: Map<string, DatasetInfo>): LabelStudioTask[] {
  const tasks = new Map<string, LabelStudioTask>();
  for (const s of spans) {
    let task = tasks.get(s.dataset);
    if (!task) {
      const info = datasets.get(s.dataset);
      task = { id: info?.id, data: { dataset: s.dataset, symbol: s.symbol, timeframe: s.timeframe }, annotations: [] };
      tasks.set(s.dataset, task);
    }
    let annotation = task.annotations.find((a) => a.completed_by === s.annotator);
    if (!annotation) {
      annotation = { id: task.annotations.length + 1, completed_by: s.annotator, result: [] };
      task.annotations.push(annotation);
    }
    const result: LabelStudioResult = {
      id: (s.id ?? `${s.start}-${s.end}`).replace(/-/g, '').slice(0, 10),
      type: 'timeserieslabels',
      from_name: 'label',
      to_name: 'ts',
      origin: s.source === 'human' ? 'manual' : s.source,
      value: { start: s.start, end: s.end, instant: s.start === s.end, timeserieslabels: [s.label] },
    };
    if (s.note) result.meta = { text: [s.note] };
    annotation.result.push(result);
  }
  return [...tasks.values()];
}
