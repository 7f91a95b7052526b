import { z } from 'zod';
import type { PatternInfo } from '@/server/engine';
import type { AutoLabelResponse, AutoLabelRun, PatternReportRow } from './types';

/** Response schemas (zod): what the auto-label routes answer (reply), documented in docs/openapi.json. */

export const patternInfoSchema = z
  .object({
    name: z.string().describe('TA-Lib function name, lowercase: `cdlengulfing`.'),
    label: z.string().describe('The label its spans carry: `engulfing`.'),
    candles: z.int().describe('Candles the pattern spans.'),
  })
  .meta({ id: 'PatternInfo' }) satisfies z.ZodType<PatternInfo>;

export const patternReportRowSchema = z
  .object({
    pattern: z.string(),
    label: z.string(),
    count: z.int(),
    coverage: z.number(),
    overlaps: z.int(),
    conflicts: z.int(),
    precision: z.number().nullable(),
    recall: z.number().nullable(),
  })
  .meta({ id: 'PatternReportRow' }) satisfies z.ZodType<PatternReportRow>;

export const autoLabelRunSchema = z
  .object({
    id: z.int(),
    datasetId: z.int(),
    options: z.object({ patterns: z.array(z.string()), minStrength: z.int().nullable(), humanSpans: z.int() }),
    report: z.array(patternReportRowSchema),
    summary: z.object({ candles: z.int(), spans: z.int(), coverage: z.number(), conflictCandles: z.int() }).nullable(),
    createdAt: z.int(),
  })
  .meta({ id: 'AutoLabelRun' }) satisfies z.ZodType<AutoLabelRun>;

export const autoLabelResponseSchema = z
  .object({ run: autoLabelRunSchema, spanCount: z.int(), createdLabels: z.array(z.string()) })
  .meta({ id: 'AutoLabelResponse' }) satisfies z.ZodType<AutoLabelResponse>;

/** The dataset's latest run, or null. */
export const latestAutoLabelRunResponse = z.object({ run: autoLabelRunSchema.nullable() });

export const autoLabelClearResponse = z.object({ deletedSpans: z.int() });

export const patternListResponse = z.object({ patterns: z.array(patternInfoSchema) });
