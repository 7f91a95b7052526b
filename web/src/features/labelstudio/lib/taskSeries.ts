import { parseDateUtc } from '@/features/interchange/lib/timeValues';
import type { TimeSeriesObject } from './labelConfig';

export const OHLCV = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type OhlcvKey = (typeof OHLCV)[number];
export type InlineColumns = Record<OhlcvKey, Array<number | null>>;

/** Where a task's candles are: inline columns, or a stored dataset (optionally a time range). */
export type TaskSeries =
  | { kind: 'inline'; candles: InlineColumns }
  | { kind: 'dataset'; datasetId: number; from?: number; to?: number }
  | { kind: 'missing'; reason: string };

const ALIASES: Record<Exclude<OhlcvKey, 'time'>, string[]> = {
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c', 'adj_close', 'price'],
  volume: ['volume', 'vol', 'v'],
};

/**
 * The task-data column that holds each OHLCV field: the config's `timeColumn` for time, and for
 * the prices the `<Channel column>` whose name is (case-insensitively) open/high/low/close/volume
 * (or o/h/l/c/v); fields the config does not name fall back to their own name.
 */
export function columnKeys(object: TimeSeriesObject | null): Record<OhlcvKey, string> {
  const channels = object?.channels ?? [];
  const pick = (field: Exclude<OhlcvKey, 'time'>) => channels.find((c) => ALIASES[field].includes(c.toLowerCase())) ?? field;
  return { time: object?.timeColumn ?? 'time', open: pick('open'), high: pick('high'), low: pick('low'), close: pick('close'), volume: pick('volume') };
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
 * columns (`{ time: [...], open: [...], ... }`) or an array of row objects; a dataset reference is
 * `data.datasetId` (with optional `data.from` / `data.to`, epoch ms). Volume absent = zeros.
 */
export function taskSeries(data: Record<string, unknown>, object: TimeSeriesObject | null): TaskSeries {
  const datasetId = positiveInt(data.datasetId ?? data.dataset_id);
  const valueKey = object?.valueKey || 'ts';
  const raw = data[valueKey];
  if (raw === undefined || raw === null || typeof raw === 'string') {
    if (datasetId !== null) {
      const from = toEpochMs(data.from) ?? undefined;
      const to = toEpochMs(data.to) ?? undefined;
      return { kind: 'dataset', datasetId, from, to };
    }
    if (typeof raw === 'string') return { kind: 'missing', reason: `data.${valueKey} is a URL or file name ("${raw.slice(0, 80)}"); send the series inline (valueType="json") or a datasetId` };
    return { kind: 'missing', reason: `the task has neither data.${valueKey} (inline series) nor data.datasetId` };
  }
  const keys = columnKeys(object);
  let columns: Record<string, unknown[]>;
  if (Array.isArray(raw)) {
    columns = {};
    for (const k of OHLCV) columns[keys[k]] = raw.map((row) => (row && typeof row === 'object' ? (row as Record<string, unknown>)[keys[k]] : undefined));
  } else if (typeof raw === 'object') {
    columns = raw as Record<string, unknown[]>;
  } else {
    return { kind: 'missing', reason: `data.${valueKey} is not an object of columns or an array of rows` };
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
  if (badTime >= 0) return { kind: 'missing', reason: `data.${valueKey}.${keys.time}[${badTime}] is not a time (epoch ms/s or a date)` };
  return { kind: 'inline', candles: out };
}
