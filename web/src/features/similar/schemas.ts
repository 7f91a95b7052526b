import { z } from 'zod';

const epochMs = z.number().int('times are integer epoch milliseconds').min(-8.64e15).max(8.64e15);

/** `POST /api/similar`: the query span (inclusive candle times of one dataset) and the search settings. */
export const similarRequestSchema = z
  .object({
    datasetId: z.number().int().positive(),
    start: epochMs,
    end: epochMs,
    /** The label looked for: the labelling-function report and the "already labelled" marks. */
    labelId: z.number().int().positive().optional(),
    /** Datasets searched (default: every dataset of the query's project). */
    datasetIds: z.array(z.number().int().positive()).min(1).max(1000).optional(),
    channels: z.enum(['close', 'ohlcv']).default('close'),
    /** Length tolerance ±stretch (0..0.5). */
    stretch: z.number().min(0).max(0.5).default(0.2),
    /** Dynamic time warping (band 10 %) instead of the Euclidean distance. */
    dtw: z.boolean().default(false),
    maxResults: z.number().int().min(1).max(500).default(30),
    minSimilarity: z.number().min(0).max(1).default(0),
  })
  .strict()
  .refine((r) => r.start <= r.end, { message: 'start must be <= end', path: ['end'] });

export type SimilarRequest = z.infer<typeof similarRequestSchema>;
export type SimilarRequestInput = z.input<typeof similarRequestSchema>;

/** `GET /api/similar?datasetId=`. */
export const similarRunsQuery = z.object({ datasetId: z.coerce.number().int().positive() });
