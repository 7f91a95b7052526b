import { z } from 'zod';
import { jobCoreSchema } from '@/server/jobs/jobSchema';
import type { LabelErrorItem, LabelErrorRun, LabelErrorSummary } from './types';

/** Response schemas (zod): what the label-error routes answer (reply), documented in docs/openapi.json. */

export const labelErrorItemSchema = z
  .object({
    rank: z.int().min(1).describe('1 = most likely mislabelled'),
    annotationId: z.string(),
    datasetId: z.int(),
    start: z.number().describe("Epoch ms of the span's first candle"),
    end: z.number().describe("Epoch ms of the span's last candle"),
    labelId: z.int().describe("The span's label when the run ran"),
    label: z.string(),
    selfConfidence: z
      .number()
      .min(0)
      .max(1)
      .describe("Mean out-of-fold probability of the given label over the span's candles"),
    suggestedLabel: z.string().nullable().describe('The most probable other label; null = no pattern here'),
    suggestedLabelId: z.int().nullable().describe('The app label matching suggestedLabel, when one exists'),
    suggestedProbability: z.number().min(0).max(1),
    likelyError: z.boolean().describe('Another label (or no pattern) reaches its own confidence threshold here'),
  })
  .meta({
    id: 'LabelErrorItem',
    description: 'One human span scored by the cross-validated model.',
  }) satisfies z.ZodType<LabelErrorItem>;

export const labelErrorSummarySchema = z
  .object({
    folds: z.int(),
    modelType: z.string(),
    scored: z.int(),
    likelyErrors: z.int(),
    unscored: z.int().describe('Spans in the feature warm-up, which get no score'),
    outOfFoldAccuracy: z.number(),
    thresholds: z.record(z.string(), z.number()).describe('Per label (engine names) and background'),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'LabelErrorSummary' }) satisfies z.ZodType<LabelErrorSummary>;

export const labelErrorRunSchema = jobCoreSchema
  .extend({
    stage: z
      .string()
      .describe('queued, load, features, labels, dataset, folds, rank, cancelling, done, failed, cancelled'),
    preset: z.string().describe('fast or standard'),
    folds: z.int().min(2).max(10),
    includeTalib: z.boolean(),
    datasetIds: z.array(z.int()),
    summary: labelErrorSummarySchema.nullable(),
    items: z
      .array(labelErrorItemSchema)
      .describe('Ranked spans (empty while running, in lists, and for runs that did not succeed)'),
    reviews: z.record(z.string(), z.literal('kept')).describe('Decisions per annotation id'),
  })
  .meta({ id: 'LabelErrorRun' }) satisfies z.ZodType<LabelErrorRun>;

/** The newest finished run (items + reviews), the running one, and every stored run (without items). */
export const labelErrorOverviewResponse = z.object({
  latest: labelErrorRunSchema.nullable(),
  running: labelErrorRunSchema.nullable(),
  runs: z.array(labelErrorRunSchema),
});

export const labelErrorRunResponse = z.object({ run: labelErrorRunSchema });
