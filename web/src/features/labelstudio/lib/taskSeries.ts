import { parseDateUtc } from '@/server/engine';
import type { TimeSeriesLabelsControl, TimeSeriesObject } from './labelConfig';

export const OHLCV = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type OhlcvKey = (typeof OHLCV)[number];
export type InlineColumns = Record<OhlcvKey, Array<number | null>>;

/**
 * Where a task's candles are: inline columns, a file Label Studio serves (`valueType="url"`), or
 * a stored dataset (optionally a time range). `lsTimes` (inline only) holds each candle's time as
 * Label Studio's regions express it, when that differs from epoch ms (a numeric time column
 * without `timeFormat` is used by Label Studio as-is, e.g. epoch seconds).
 */
export type TaskSeries =
  | { kind: 'inline'; candles: InlineColumns; lsTimes: number[] | null }
  | { kind: 'url'; url: string }
  | { kind: 'dataset'; datasetId: number; from?: number; to?: number }
  | { kind: 'missing'; reason: string };

/** Header-name keys (lowercase letters and digits, as the engine's importer compares them). */
const key = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const ALIASES: Record<Exclude<OhlcvKey, 'time'>, string[]> = {
  open: ['open', 'o', 'openprice'],
  high: ['high', 'h', 'highprice'],
  low: ['low', 'l', 'lowprice'],
  close: ['close', 'c', 'closeprice', 'last', 'lastprice', 'closelast', 'adjclose', 'price'],
  volume: ['volume', 'vol', 'v'],
};

/**
 * The task-data column that holds each OHLCV field: the config's `timeColumn` for time, and for
 * the prices the `<Channel column>` whose name is (case, spaces and punctuation ignored)
 * open/high/low/close/volume (or o/h/l/c/v, …); fields the config does not name fall back to
 * their own name (no config: the documented default columns).
 */
export function columnKeys(object: TimeSeriesObject | null): Record<OhlcvKey, string> {
  const channels = object?.channels ?? [];
  const pick = (field: Exclude<OhlcvKey, 'time'>) => channels.find((c) => ALIASES[field].includes(key(c))) ?? field;
  return {
    time: object?.timeColumn ?? 'time',
    open: pick('open'),
    high: pick('high'),
    low: pick('low'),
    close: pick('close'),
    volume: pick('volume'),
  };
}

/** Whether the config's channels name a column for the field (volume is optional). */
const hasChannel = (object: TimeSeriesObject, field: Exclude<OhlcvKey, 'time'>) =>
  object.channels.some((c) => ALIASES[field].includes(key(c)));

/** Label Studio's `sep` as one delimiter character (`\t` written out is a tab); null when unusable. */
export function separatorOf(object: TimeSeriesObject): string | null {
  const sep = object.sep ?? ',';
  if (sep === '\\t' || sep === '\t') return '\t';
  return sep.length === 1 && sep !== '"' && sep !== '\n' && sep !== '\r' ? sep : null;
}

/**
 * Why this backend cannot serve the config's time series, or null when it can: it needs a time
 * column (without one Label Studio uses row numbers, which no model can place in time) and
 * channels for open, high, low and close; a CSV (`valueType="url"`) needs a one-character `sep`.
 */
export function servingProblem(ctl: TimeSeriesLabelsControl): string | null {
  const o = ctl.object;
  const where = `<TimeSeries name="${o.name}">`;
  if (o.valueType !== null && o.valueType !== 'json' && o.valueType !== 'url')
    return `${where} has valueType="${o.valueType}"; this backend reads valueType "json" (inline series) or "url" (a CSV file).`;
  if (!o.timeColumn)
    return `${where} has no timeColumn: Label Studio then uses row numbers as time, which the model cannot place. Name the time column (timeColumn="…").`;
  const missing = (['open', 'high', 'low', 'close'] as const).filter((f) => !hasChannel(o, f));
  if (missing.length)
    return `${where} needs a <Channel column> for open, high, low and close (candles); none is named ${missing.join(', ')} (channels: ${o.channels.join(', ') || 'none'}). Accepted names: ${missing.map((m) => ALIASES[m].join('/')).join('; ')}.`;
  if (o.valueType !== 'json' && separatorOf(o) === null)
    return `${where} has sep="${o.sep}"; the CSV separator must be one character.`;
  return null;
}

/** A time value as epoch ms: numbers >= 1e11 are ms, >= 1e8 epoch seconds; strings are dates (UTC) or numbers. */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'string') {
    const t = value.trim();
    if (/^[+-]?\d+(\.\d+)?$/.test(t)) return toEpochMs(Number(t));
    return parseDateUtc(t);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (Math.abs(value) >= 1e11) return Math.round(value);
  if (Math.abs(value) >= 1e8) return Math.round(value * 1000);
  return Math.round(value);
}

const num = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};

function positiveInt(v: unknown): number | null {
  const n = num(v);
  return n !== null && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * The candles of one Label Studio task. `data[valueKey]` (default `ts`) may be an object of
 * columns (`{ time: [...], open: [...], ... }`), an array of row objects, or (valueType "url") the
 * URL of a CSV file; a dataset reference is `data.datasetId` (with optional `data.from` /
 * `data.to`, epoch ms) when the series key is absent. Volume absent = zeros.
 */
export function taskSeries(data: Record<string, unknown>, object: TimeSeriesObject | null): TaskSeries {
  const datasetId = positiveInt(data.datasetId ?? data.dataset_id);
  const valueKey = object?.valueKey || 'ts';
  const raw = data[valueKey];
  if (raw === undefined || raw === null) {
    if (datasetId !== null) {
      const from = toEpochMs(data.from) ?? undefined;
      const to = toEpochMs(data.to) ?? undefined;
      return { kind: 'dataset', datasetId, from, to };
    }
    return { kind: 'missing', reason: `the task has neither data.${valueKey} (the series) nor data.datasetId` };
  }
  if (typeof raw === 'string') {
    if (object?.valueType === 'json')
      return {
        kind: 'missing',
        reason: `data.${valueKey} is a string ("${raw.slice(0, 80)}") but the config says valueType="json" (inline columns)`,
      };
    return { kind: 'url', url: raw };
  }
  const keys = columnKeys(object);
  let columns: Record<string, unknown[]>;
  if (Array.isArray(raw)) {
    columns = {};
    for (const k of OHLCV)
      columns[keys[k]] = raw.map((row) =>
        row && typeof row === 'object' ? (row as Record<string, unknown>)[keys[k]] : undefined,
      );
  } else if (typeof raw === 'object') {
    columns = raw as Record<string, unknown[]>;
  } else {
    return { kind: 'missing', reason: `data.${valueKey} is not an object of columns, an array of rows or a URL` };
  }
  const out = {} as InlineColumns;
  for (const k of OHLCV) {
    const col = columns[keys[k]];
    if (!Array.isArray(col)) {
      if (k === 'volume' && Array.isArray(columns[keys.time])) {
        out.volume = columns[keys.time].map(() => 0);
        continue;
      }
      return { kind: 'missing', reason: `data.${valueKey}.${keys[k]} (the ${k} column) is missing or not an array` };
    }
    out[k] = k === 'time' ? col.map(toEpochMs) : col.map(num);
  }
  const badTime = out.time.findIndex((t) => t === null);
  if (badTime >= 0)
    return {
      kind: 'missing',
      reason: `data.${valueKey}.${keys.time}[${badTime}] is not a time (epoch ms/s or a date)`,
    };
  // Numbers without a timeFormat are Label Studio's x values as they are (e.g. epoch seconds).
  const rawTimes = columns[keys.time];
  const numeric = !object?.timeFormat && rawTimes.every((t) => typeof t === 'number');
  const lsTimes = numeric && rawTimes.some((t, i) => t !== out.time[i]) ? (rawTimes as number[]) : null;
  return { kind: 'inline', candles: out, lsTimes };
}
