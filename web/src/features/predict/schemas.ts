import { z } from 'zod';

/** Most candles one request (or one batch item) may carry. */
export const MAX_CANDLES = 200_000;
/** Most items in one `POST /api/predict/batch`. */
export const MAX_BATCH_ITEMS = 64;
/** Body limits: one prediction, and a batch. */
export const PREDICT_MAX_BYTES = 5 * 1024 * 1024;
export const BATCH_MAX_BYTES = 16 * 1024 * 1024;

// JSON has no NaN: a `null` value is passed on as NaN, so the engine names the bad candle (INVALID_CANDLES).
const column = z.array(z.number().nullable()).max(MAX_CANDLES);

export const candleColumnsSchema = z
  .object({ time: column, open: column, high: column, low: column, close: column, volume: column })
  .strict();

export const predictOptionsSchema = z
  .object({
    model: z.string().trim().min(1).max(64).optional(),
    minConfidence: z.number().min(0).max(1).optional(),
    labels: z.array(z.string().min(1).max(80)).max(200).optional(),
    perCandle: z.boolean().optional(),
    minLength: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

const byCandles = z.object({ candles: candleColumnsSchema, options: predictOptionsSchema.optional() }).strict();
const byDataset = z
  .object({
    datasetId: z.number().int().positive(),
    from: z.number().int().optional(),
    to: z.number().int().optional(),
    options: predictOptionsSchema.optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from must be <= to', path: ['from'] });

/**
 * `POST /api/predict`: candles as JSON columns, or a stored dataset (optionally a time range of it).
 * The form is picked by the presence of `candles`, so errors name the fields of that form.
 */
export const predictBodySchema = z.unknown().transform((value, ctx): z.infer<typeof byCandles> | z.infer<typeof byDataset> => {
  const schema = typeof value === 'object' && value !== null && 'candles' in value ? byCandles : byDataset;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
  return z.NEVER;
});

export const predictBatchBodySchema = z
  .object({ requests: z.array(predictBodySchema).min(1).max(MAX_BATCH_ITEMS) })
  .strict();

export const modelInfoQuerySchema = z.object({ model: z.string().trim().min(1).max(64).default('champion') });

export type PredictBody = z.infer<typeof predictBodySchema>;
export type PredictOptionsInput = z.infer<typeof predictOptionsSchema>;
