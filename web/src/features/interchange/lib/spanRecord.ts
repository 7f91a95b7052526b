import { z } from 'zod';
import { DIRECTIONS, KINDS, SOURCES } from '@/features/annotations';

const isoUtc = z.iso.datetime().describe('ISO 8601, UTC.');

/**
 * The span interchange record the training pipeline reads: the ONE definition of the export
 * format. `SpanRecord` is inferred from it, and web/docs/span.schema.json is generated from it
 * (`npm -w web run contracts`; spanRecord.test.ts fails when the file is stale). The prose of
 * web/docs/span-format.md explains it.
 */
export const spanRecordSchema = z
  .object({
    id: z
      .uuid()
      .optional()
      .describe('Stable id of the span in the annotation store (used to de-duplicate re-imports).'),
    dataset: z.string().min(1).describe('Dataset name (unique within the project).'),
    symbol: z.string().nullable().describe('Instrument symbol, e.g. AAPL.'),
    timeframe: z.string().nullable().describe('Candle interval: 1m, 5m, 1h, 1d, 1w …'),
    start: z.int().describe("Open time of the span's FIRST candle, epoch milliseconds UTC (inclusive)."),
    end: z
      .int()
      .describe(
        "Open time of the span's LAST candle, epoch milliseconds UTC (inclusive). end >= start; end == start is a one-candle span.",
      ),
    label: z.string().min(1).describe("Label name from the project's label schema, e.g. 'bull flag'."),
    source: z.enum(SOURCES),
    annotator: z
      .string()
      .min(1)
      .describe('Who created the span (the annotator name setting), or who ran the auto-labeller.'),
    created_at: isoUtc,
    updated_at: isoUtc,
    note: z.string().optional().describe('Free-text note. Absent when empty.'),
    direction: z.enum(DIRECTIONS).optional().describe('Absent when not set.'),
    kind: z
      .enum(KINDS)
      .optional()
      .meta({ default: 'positive' })
      .describe(
        "Absent means positive. 'negative' marks a dismissed prediction: a training example of the label NOT occurring.",
      ),
  })
  .strict();

export type SpanRecord = z.output<typeof spanRecordSchema>;

export const SPAN_FORMAT_ID = 'candle-annotator/spans';
export const SPAN_FORMAT_VERSION = 1;

/** `GET /api/annotations/export?format=json`: the spans with the format's name and version. */
export const spanExportSchema = z
  .object({
    format: z.literal(SPAN_FORMAT_ID),
    version: z.literal(SPAN_FORMAT_VERSION).describe('Format version; readers must reject versions they do not know.'),
    exported_at: z.iso.datetime(),
    spans: z.array(spanRecordSchema),
  })
  .strict();

export type SpanExport = z.output<typeof spanExportSchema>;

/** web/docs/span.schema.json: the export format as JSON Schema (draft 2020-12), generated from `spanExportSchema`. */
export function spanJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(spanExportSchema, { target: 'draft-2020-12', io: 'output' });
  return {
    $schema,
    $id: 'https://candle-annotator.local/schemas/span.schema.json',
    title: 'Candle Annotator span export',
    description:
      'Labelled candle spans as exported by GET /api/annotations/export?format=json and read by the training pipeline. See span-format.md. Generated from web/src/features/interchange/lib/spanRecord.ts: do not edit.',
    ...schema,
  };
}

/** Columns of the CSV export, in order: the record's fields, as the schema lists them. */
export const CSV_COLUMNS = Object.keys(spanRecordSchema.shape) as ReadonlyArray<keyof SpanRecord>;

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
