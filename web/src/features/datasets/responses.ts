import { z } from 'zod';
import type { DetectedColumns, ImportAmbiguity, ImportDetected, RejectedRow } from '@/server/engine';
import type { CandleQueryResult, Dataset, ImportPreview, ImportReport } from './types';

/** Response schemas (zod): what the dataset routes answer (reply), documented in docs/openapi.json. */

export const rejectedRowSchema = z
  .object({ row: z.int(), reason: z.string() })
  .meta({ id: 'RejectedRow' }) satisfies z.ZodType<RejectedRow>;

export const importAmbiguitySchema = z
  .object({
    kind: z.string().describe('dateOrder or decimalMark'),
    example: z.string().describe('A value that reads both ways: 01/02/2020, 141,012.'),
    chosen: z.string(),
    alternative: z.string(),
    evidence: z.string().describe('Why the chosen reading was used, with the figures that decided it.'),
    switchWith: z
      .object({ dayFirst: z.boolean().optional(), decimal: z.string().optional(), thousands: z.string().optional() })
      .describe('Import options that read the file the other way.'),
  })
  .meta({ id: 'ImportAmbiguity' }) satisfies z.ZodType<ImportAmbiguity>;

export const detectedColumnsSchema = z
  .object({
    time: z.string(),
    open: z.string(),
    high: z.string(),
    low: z.string(),
    close: z.string(),
    volume: z.string().optional().describe('absent: no volume column (every volume is 0)'),
    symbol: z.string().optional().describe('absent: no symbol column'),
  })
  .meta({
    id: 'DetectedColumns',
    description: 'Which header name fills each role (`column N` for a file without a header).',
  }) satisfies z.ZodType<DetectedColumns>;

export const importDetectedSchema = z
  .object({
    delimiter: z.string(),
    headerLine: z.int(),
    timeFormat: z.string(),
    columns: detectedColumnsSchema,
    newestFirst: z.boolean(),
    ignoredColumns: z.array(z.string()),
    bannerLines: z.int(),
    decimal: z.string().describe('The decimal mark numbers were read with.'),
    thousands: z.string().nullable().describe('The thousands separator numbers were read with (null: none).'),
    ambiguities: z
      .array(importAmbiguitySchema)
      .describe(
        'Readings the importer chose between (date order, decimal mark), with the evidence and the options that read the file the other way; empty when the file reads one way only.',
      ),
  })
  .meta({ id: 'ImportDetected' }) satisfies z.ZodType<ImportDetected>;

export const importReportSchema = z
  .object({
    fileName: z.string().optional(),
    onInvalidRow: z.enum(['fail', 'skip']).optional(),
    rowsImported: z.int().optional(),
    rejectedCount: z.int().optional(),
    rejected: z
      .array(rejectedRowSchema)
      .describe('The first rejected rows (the full count is rejectedCount).')
      .optional(),
    detected: importDetectedSchema.optional(),
  })
  .meta({
    id: 'ImportReport',
    description: 'What the importer saw and did; stored with the dataset.',
  }) satisfies z.ZodType<ImportReport>;

export const datasetSchema = z
  .object({
    id: z.int(),
    projectId: z.int(),
    name: z.string(),
    symbol: z.string().nullable(),
    timeframe: z.string().nullable(),
    sourceFile: z.string().nullable(),
    candleCount: z.int(),
    firstTime: z.int().nullable(),
    lastTime: z.int().nullable(),
    isDemo: z.boolean(),
    annotationCount: z.int().describe('live spans'),
    importReport: importReportSchema,
    createdAt: z.int(),
    updatedAt: z.int(),
  })
  .meta({ id: 'Dataset' }) satisfies z.ZodType<Dataset>;

export const candleQueryResultSchema = z
  .object({
    datasetId: z.int(),
    total: z.int().describe('Candles in [from, to] before any aggregation.'),
    bucketSize: z.int().describe('1 = raw candles; n = each point aggregates n consecutive candles (OHLC).'),
    candles: z.object({
      time: z.array(z.number()),
      open: z.array(z.number()),
      high: z.array(z.number()),
      low: z.array(z.number()),
      close: z.array(z.number()),
      volume: z.array(z.number()),
      endTime: z.array(z.number()).describe("Only when bucketSize > 1: each point's last candle time.").optional(),
    }),
  })
  .meta({ id: 'CandleQueryResult' }) satisfies z.ZodType<CandleQueryResult>;

export const importPreviewSchema = z
  .object({
    series: z.array(
      z.object({
        symbol: z.string().nullable(),
        timeframe: z.string().nullable(),
        candleCount: z.int(),
        firstTime: z.int().nullable(),
        lastTime: z.int().nullable(),
      }),
    ),
    rejectedCount: z.int(),
    rejected: z.array(rejectedRowSchema),
    detected: importDetectedSchema,
    stagedId: z
      .uuid()
      .optional()
      .describe(
        'The parse is kept for 10 minutes for its user: an upload with `staged` set to this id stores it without the file being sent again. Absent when it is not kept (over the memory cap).',
      ),
  })
  .meta({
    id: 'ImportPreview',
    description: 'The dry run of an upload: what would be imported.',
  }) satisfies z.ZodType<ImportPreview>;

export const uploadResultSchema = z
  .object({
    datasets: z.array(datasetSchema).describe('One per series (multi-symbol files give several).'),
    rejectedCount: z.int(),
    rejected: z.array(rejectedRowSchema).optional(),
  })
  .meta({ id: 'UploadResult' });

export const datasetListResponse = z.object({
  datasets: z.array(datasetSchema),
  /** The most bytes an upload (or its preview) may have: `CANDLE_MAX_UPLOAD_BYTES`, 1 GiB by default. */
  uploadLimitBytes: z.number().int().positive(),
});

export const datasetResponse = z.object({ dataset: datasetSchema });

export const datasetPreviewResponse = z.object({ preview: importPreviewSchema });

export const datasetDeleteResponse = z.object({ deleted: z.int() });
