import { z } from 'zod';
import type { PredictedSpan } from '@/server/engine';
import { errorBodySchema } from '@/server/http/handler';
import { modelFallbackSchema, modelRefSchema } from '@/features/models/server';
import type { BatchItem, PredictResponse } from './server/predictService';
import type { ReviewedRegion } from './types';

/** Response schemas (zod): what the prediction routes answer (reply), documented in docs/openapi.json. */

export const predictedSpanSchema = z
  .object({
    start: z.int().describe("index of the first candle (inclusive) in the request's candles"),
    end: z.int().describe('inclusive'),
    startTime: z.number(),
    endTime: z.number(),
    label: z.string(),
    confidence: z.number().min(0).max(1),
  })
  .meta({ id: 'PredictedSpan' }) satisfies z.ZodType<PredictedSpan>;

export const predictResponseSchema = z
  .object({
    spans: z.array(predictedSpanSchema),
    perCandle: z
      .object({
        classNames: z.array(z.string()),
        probabilities: z.array(z.array(z.number()).nullable()),
        entropy: z.array(z.number().nullable()),
        margin: z.array(z.number().nullable()),
      })
      .optional()
      .describe('Per-candle probabilities (options.perCandle); null where a candle has no prediction.'),
    model: modelRefSchema,
    candleCount: z.int(),
    datasetId: z.int().optional(),
    fallback: modelFallbackSchema.optional(),
    candleTimes: z
      .array(z.int())
      .describe(
        'A dataset time range (`from`/`to`): the times of its candles, which span indices and per-candle rows refer to.',
      )
      .optional(),
    firstIndex: z
      .int()
      .describe('A dataset time range: the index of its first candle in the whole dataset.')
      .optional(),
    warmupCandles: z
      .int()
      .describe(
        "A dataset time range: candles before it that were scored with it and left out of the answer (the model's feature warm-up and 256 more, so indicators with memory settle; 256 candles after it are read for look-ahead the same way).",
      )
      .optional(),
  })
  .meta({ id: 'PredictResponse' }) satisfies z.ZodType<PredictResponse>;

export const reviewedRegionSchema = z
  .object({
    candleIndex: z.int().min(0).describe("The uncertain candle's index in the dataset."),
    startTime: z.int().describe('epoch ms of the first candle shown'),
    endTime: z.int().describe('epoch ms of the last candle shown'),
    reviewedAt: z.int(),
  })
  .meta({
    id: 'ReviewedRegion',
    description: 'An uncertain region a person has reviewed (active learning), per dataset and model version.',
  }) satisfies z.ZodType<ReviewedRegion>;

export const reviewedRegionListResponse = z.object({
  datasetId: z.int(),
  modelVersion: z.string(),
  reviewed: z.array(reviewedRegionSchema),
});

export const reviewedRegionResponse = z.object({ region: reviewedRegionSchema });

export const reviewedRegionClearResponse = z.object({
  datasetId: z.int(),
  modelVersion: z.string(),
  deleted: z.int().min(0),
});

/** One result per request, in order: a prediction or that request's error. */
export const predictBatchResponse = z.object({
  results: z.array(z.union([predictResponseSchema, errorBodySchema]) satisfies z.ZodType<BatchItem>),
});
