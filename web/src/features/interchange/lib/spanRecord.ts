import { z } from 'zod';
import { DIRECTIONS, KINDS, SOURCES } from '@/features/annotations/types';

/**
 * The span interchange record the training pipeline reads (web/docs/span-format.md,
 * web/docs/span.schema.json). `start`/`end` are the epoch-millisecond times of the first and
 * last candle of the span, both inclusive.
 */
export interface SpanRecord {
  id?: string;
  dataset: string;
  symbol: string | null;
  timeframe: string | null;
  start: number;
  end: number;
  label: string;
  source: (typeof SOURCES)[number];
  annotator: string;
  /** ISO 8601, UTC. */
  created_at: string;
  /** ISO 8601, UTC. */
  updated_at: string;
  note?: string;
  direction?: (typeof DIRECTIONS)[number];
  /** Absent = 'positive'. 'negative' marks a dismissed prediction (a training negative). */
  kind?: (typeof KINDS)[number];
}

export const SPAN_FORMAT_ID = 'candle-annotator/spans';
export const SPAN_FORMAT_VERSION = 1;

export interface SpanExport {
  format: typeof SPAN_FORMAT_ID;
  version: typeof SPAN_FORMAT_VERSION;
  exported_at: string;
  spans: SpanRecord[];
}

/** Columns of the CSV export, in order. */
export const CSV_COLUMNS = ['id', 'dataset', 'symbol', 'timeframe', 'start', 'end', 'label', 'source', 'annotator', 'created_at', 'updated_at', 'note', 'direction', 'kind'] as const;

const isoOrMs = z.union([z.string().min(1), z.number()]);

/** A record as accepted on import: our own format, with the optional fields really optional. */
export const importedRecordSchema = z.object({
  id: z.string().optional(),
  dataset: z.string().optional(),
  symbol: z.string().nullable().optional(),
  timeframe: z.string().nullable().optional(),
  start: z.union([z.number(), z.string().min(1)]),
  end: z.union([z.number(), z.string().min(1)]),
  label: z.string().trim().min(1, 'label is required'),
  source: z.enum(SOURCES).optional(),
  annotator: z.string().trim().max(80).optional(),
  created_at: isoOrMs.optional(),
  updated_at: isoOrMs.optional(),
  note: z.string().max(2000).nullable().optional(),
  direction: z.enum(DIRECTIONS).nullable().optional(),
  kind: z.enum(KINDS).optional(),
});

export type ImportedRecord = z.infer<typeof importedRecordSchema>;
