import type { Annotation } from '@/features/annotations';
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

/** Label Studio's `completed_by` on import: a member's id, or `{ email }` of a member; absent = the importing user. */
export type LabelStudioCompletedBy = number | { email: string };

export interface LabelStudioTask {
  data: Record<string, unknown>;
  annotations?: Array<{ completed_by?: LabelStudioCompletedBy; result: LabelStudioResult[] }>;
  predictions?: Array<{ model_version: string; score: number; result: LabelStudioResult[] }>;
}

/**
 * How the Label Studio project reads its tasks: the `<TimeSeriesLabels>` / `<TimeSeries>` names,
 * the data key of the series and its column names (from the project's labeling config; the
 * documented default config otherwise).
 */
export interface LabelStudioLayout {
  fromName: string;
  toName: string;
  valueKey: string;
  columns: { time: string; open: string; high: string; low: string; close: string; volume: string };
  /** The config's timeFormat: times are written as text in it; null = epoch ms numbers. */
  timeFormat: string | null;
}

export const DEFAULT_LABEL_STUDIO_LAYOUT: LabelStudioLayout = {
  fromName: 'label',
  toName: 'ts',
  valueKey: 'ts',
  columns: { time: 'time', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' },
  timeFormat: null,
};

export interface LabelStudioExportOptions {
  layout: LabelStudioLayout;
  /** Spans as annotations (default) or as predictions (pre-annotations to review). */
  as: 'annotations' | 'predictions';
  /**
   * `annotator`: from each span's annotator — an email becomes `{ email }` (a member of the
   * Label Studio organisation), `label-studio:<id>` (spans that came from Label Studio) that user
   * id, anything else the importing user; a number: that Label Studio user for all; absent: the
   * importing user.
   */
  completedBy?: 'annotator' | number;
  /** The predictions' model_version (as: predictions). */
  modelVersion: string;
}

export type SeriesColumns = Record<'time' | 'open' | 'high' | 'low' | 'close' | 'volume', ArrayLike<number>>;

/** A span's annotator as Label Studio's completed_by: an email, or a Label Studio user id it came from. */
function completedByOf(annotator: string): LabelStudioCompletedBy | undefined {
  const fromLabelStudio = /^label-studio:(\d{1,12})$/.exec(annotator);
  if (fromLabelStudio) return Number(fromLabelStudio[1]);
  return /^[^@\s]+@[^@\s]+$/.test(annotator) ? { email: annotator } : undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats epoch ms (UTC) with a strftime / d3-time-format pattern; throws on a specifier it does not write. */
export function formatTime(ms: number, pattern: string): string {
  const d = new Date(ms);
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    let spec = pattern[++i];
    if (spec === '-' || spec === '_' || spec === '0') spec = pattern[++i];
    switch (spec) {
      case 'Y':
        out += d.getUTCFullYear();
        break;
      case 'y':
        out += pad(d.getUTCFullYear() % 100);
        break;
      case 'm':
        out += pad(d.getUTCMonth() + 1);
        break;
      case 'd':
        out += pad(d.getUTCDate());
        break;
      case 'e':
        out += String(d.getUTCDate()).padStart(2, ' ');
        break;
      case 'H':
        out += pad(d.getUTCHours());
        break;
      case 'M':
        out += pad(d.getUTCMinutes());
        break;
      case 'S':
        out += pad(d.getUTCSeconds());
        break;
      case 'L':
        out += pad(d.getUTCMilliseconds(), 3);
        break;
      case 'f':
        out += pad(d.getUTCMilliseconds() * 1000, 6);
        break;
      case 'Q':
        out += String(ms);
        break;
      case 's':
        out += String(Math.floor(ms / 1000));
        break;
      case 'Z':
      case 'z':
        out += '+0000';
        break;
      case '%':
        out += '%';
        break;
      default:
        throw new Error(`the time format "${pattern}" uses %${spec ?? ''}, which the export cannot write`);
    }
  }
  return out;
}

/**
 * One Label Studio task per dataset, holding the candles inline under the key the project's
 * config names (its column names; times as epoch ms, or as text in the config's timeFormat),
 * with one annotation per annotator (or one prediction per source) of `timeserieslabels` results.
 * `data.dataset` names the dataset, so annotations made on the task in Label Studio come back to
 * it through the webhook.
 */
export function spansToLabelStudio(
  spans: SpanRecord[],
  candlesOf: (dataset: string) => SeriesColumns | null,
  options: LabelStudioExportOptions,
): LabelStudioTask[] {
  const { layout } = options;
  const tasks = new Map<string, LabelStudioTask>();
  const groups = new Map<string, LabelStudioResult[]>();
  for (const s of spans) {
    let task = tasks.get(s.dataset);
    if (!task) {
      const c = candlesOf(s.dataset);
      const series: Record<string, unknown> = {};
      if (c) {
        const col = layout.columns;
        series[col.time] = layout.timeFormat
          ? Array.from(c.time, (t) => formatTime(t, layout.timeFormat!))
          : Array.from(c.time);
        series[col.open] = Array.from(c.open);
        series[col.high] = Array.from(c.high);
        series[col.low] = Array.from(c.low);
        series[col.close] = Array.from(c.close);
        series[col.volume] = Array.from(c.volume);
      }
      task = {
        data: { [layout.valueKey]: series, dataset: s.dataset, symbol: s.symbol, timeframe: s.timeframe },
        ...(options.as === 'annotations' ? { annotations: [] } : { predictions: [] }),
      };
      tasks.set(s.dataset, task);
    }
    const groupKey = `${s.dataset}\u0000${options.as === 'annotations' ? s.annotator : s.source}`;
    let results = groups.get(groupKey);
    if (!results) {
      results = [];
      groups.set(groupKey, results);
      if (options.as === 'annotations') {
        const completedBy =
          typeof options.completedBy === 'number'
            ? options.completedBy
            : options.completedBy === 'annotator'
              ? completedByOf(s.annotator)
              : undefined;
        task.annotations!.push({
          ...(completedBy !== undefined ? { completed_by: completedBy } : {}),
          result: results,
        });
      } else {
        // Stored spans are labels, not guesses: they carry no confidence, so their score is 1.
        task.predictions!.push({ model_version: `${options.modelVersion}:${s.source}`, score: 1, result: results });
      }
    }
    const result: LabelStudioResult = {
      id: (s.id ?? `${s.start}-${s.end}`).replace(/-/g, '').slice(0, 10),
      type: 'timeserieslabels',
      from_name: layout.fromName,
      to_name: layout.toName,
      origin: s.source === 'human' ? 'manual' : s.source,
      value: { start: s.start, end: s.end, instant: s.start === s.end, timeserieslabels: [s.label] },
    };
    if (s.note) result.meta = { text: [s.note] };
    results.push(result);
  }
  return [...tasks.values()];
}
