import { z } from 'zod';
import type { MiniCandles, SimilarMatchView, SimilarReportView, SimilarResponse, SimilarRunView } from './types';

/** Response schemas (zod): what the similar-search routes answer (reply), documented in docs/openapi.json. */

export const miniCandlesSchema = z
  .object({
    open: z.array(z.number()),
    high: z.array(z.number()),
    low: z.array(z.number()),
    close: z.array(z.number()),
  })
  .meta({
    id: 'MiniCandles',
    description: 'At most 60 OHLC bars of the window (a thumbnail).',
  }) satisfies z.ZodType<MiniCandles>;

export const similarMatchSchema = z
  .object({
    rank: z.int().min(1),
    datasetId: z.int(),
    datasetName: z.string(),
    start: z.int().describe('Epoch ms of the first candle'),
    end: z.int().describe('Epoch ms of the last candle'),
    candles: z.int(),
    similarity: z.number().min(0).max(1).describe('(1 + r) / 2 for the Pearson correlation r of the normalised shapes'),
    distance: z.number().describe('z-normalised Euclidean (or DTW) distance'),
    labelled: z.boolean().describe('A span of the searched label already overlaps it'),
    thumbnail: miniCandlesSchema,
  })
  .meta({ id: 'SimilarMatch' }) satisfies z.ZodType<SimilarMatchView>;

export const similarReportSchema = z
  .object({
    label: z.string().nullable(),
    count: z.int(),
    coverage: z.number(),
    overlaps: z.int(),
    conflicts: z.int().nullable(),
    precision: z.number().nullable(),
    recall: z.number().nullable(),
    perDataset: z.array(
      z.object({
        datasetId: z.int(),
        datasetName: z.string(),
        count: z.int(),
        coverage: z.number(),
      }),
    ),
  })
  .meta({
    id: 'SimilarReport',
    description: "The search as a labelling function (the TA-Lib report's columns)",
  }) satisfies z.ZodType<SimilarReportView>;

export const similarResponseSchema = z
  .object({
    query: z.object({
      datasetId: z.int(),
      start: z.int(),
      end: z.int(),
      candles: z.int(),
      thumbnail: miniCandlesSchema,
    }),
    labelId: z.int().nullable(),
    matches: z.array(similarMatchSchema),
    report: similarReportSchema,
    stats: z.object({
      datasets: z.int(),
      candles: z.int(),
      windows: z.int(),
      lengths: z.array(z.int()),
      elapsedMs: z.int(),
    }),
  })
  .meta({ id: 'SimilarResponse' }) satisfies z.ZodType<SimilarResponse>;

export const similarRunSchema = z
  .object({
    id: z.int(),
    queryDatasetId: z.int(),
    labelId: z.int().nullable(),
    start: z.int(),
    end: z.int(),
    createdAt: z.int(),
    report: similarReportSchema,
    dataset: z.object({ count: z.int(), coverage: z.number() }).describe('Its results in the dataset asked about'),
  })
  .meta({ id: 'SimilarRun' }) satisfies z.ZodType<SimilarRunView>;

/** The latest searches whose results reach a dataset. */
export const similarRunListResponse = z.object({ runs: z.array(similarRunSchema) });
