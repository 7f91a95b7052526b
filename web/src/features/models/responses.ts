import { z } from 'zod';
import type { MetricsSummary, ModelFallback, ModelInfo, ModelRef, ModelVersionSummary } from '@/server/engine';
import type { MediaReply } from '@/server/http/handler';

/** Response schemas (zod) of the engine's model registry outputs, typed against the addon's types. */

const modelKind = z.enum(['lightgbm', 'xgboost', 'random_forest', 'window']);

export const modelRefSchema = z
  .object({ name: z.string(), version: z.string(), type: modelKind, trainedAt: z.string() })
  .meta({ id: 'ModelRef' }) satisfies z.ZodType<ModelRef>;

export const metricsSummarySchema = z
  .object({
    validationMacroF1: z.number(),
    validationSpanF1: z.number(),
    testMacroF1: z.number().nullable(),
    testSpanF1: z.number().nullable(),
    testBaselineMacroF1: z.number().nullable(),
    validationPatternF1: z.number().nullable(),
    validationBalancedAccuracy: z.number().nullable(),
    testPatternF1: z.number().nullable(),
    testBalancedAccuracy: z.number().nullable(),
    testExactBoundaryShare: z.number().nullable(),
  })
  .meta({ id: 'MetricsSummary' }) satisfies z.ZodType<MetricsSummary>;

export const modelFallbackSchema = z
  .object({
    requested: z.string(),
    unavailableVersion: z
      .string()
      .nullable()
      .describe('the version the alias names; null when aliases.json is damaged'),
    code: z.string().describe('CORRUPT_MODEL, MODEL_NOT_FOUND or IO_ERROR'),
    reason: z.string(),
    servedVersion: z.string(),
  })
  .meta({
    id: 'ModelFallback',
    description:
      'Present when the requested alias (champion) could not be served — its version is damaged, or aliases.json is — and the newest intact version answered instead.',
  }) satisfies z.ZodType<ModelFallback>;

export const modelInfoSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    type: modelKind,
    aliases: z.array(z.string()),
    trainedAt: z.string(),
    labels: z.array(z.string()),
    classNames: z.array(z.string()),
    featureNames: z.array(z.string()),
    minCandles: z.int().describe('fewest candles a prediction needs'),
    summary: metricsSummarySchema,
    metrics: z
      .unknown()
      .describe(
        'Per split (validation, test): per-class precision/recall/F1/support, confusion matrix, PR-AUC, span metrics; null when metrics.json is damaged.',
      ),
    plots: z.array(z.string()),
    gitCommit: z.string().nullable(),
    configHash: z.string(),
    dataHash: z.string(),
    fallback: modelFallbackSchema.optional(),
  })
  .meta({ id: 'ModelInfo' }) satisfies z.ZodType<ModelInfo>;

export const modelVersionSummarySchema = z
  .object({
    version: z.string(),
    type: modelKind,
    aliases: z.array(z.string()),
    trainedAt: z.string(),
    labels: z.array(z.string()),
    summary: metricsSummarySchema,
  })
  .meta({ id: 'ModelVersionSummary' }) satisfies z.ZodType<ModelVersionSummary>;

/** Every registered version, oldest first. */
export const modelListResponse = z.object({ models: z.array(modelVersionSummarySchema) });

/** The version `champion` points at now. */
export const modelResponse = z.object({ model: modelVersionSummarySchema });

/** An SVG plot of a model version (only files inside the registry). */
export const modelPlotReply = { status: 200, content: { 'image/svg+xml': null } } satisfies MediaReply;
