import { z } from 'zod';
import { documentedAs, readsQueryWith } from '@/shared/schemaDocs';

const epochMs = z.number().int('times are integer epoch milliseconds').min(-8.64e15).max(8.64e15);
/** A concrete registry version as a prediction reports it (`model.version`), not an alias: the champion moves. */
const modelVersion = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(
    (v) => !['champion', 'latest'].includes(v.toLowerCase()),
    'give the model version the prediction reported, not an alias',
  );

export const reviewedRegionsQuery = z.object({ modelVersion });

/** `POST /api/datasets/:id/reviewed-regions`: one uncertain region was shown to the person. */
export const reviewedRegionCreateSchema = z
  .object({
    modelVersion,
    candleIndex: z.number().int().min(0),
    startTime: epochMs,
    endTime: epochMs,
  })
  .strict()
  .refine((r) => r.startTime <= r.endTime, { message: 'startTime must be <= endTime', path: ['endTime'] });

export type ReviewedRegionCreate = z.infer<typeof reviewedRegionCreateSchema>;

/** Most candles one request (or one batch item) may carry. */
export const MAX_CANDLES = 200_000;
/** Most items in one `POST /api/predict/batch`. */
export const MAX_BATCH_ITEMS = 64;
/** Body limits: one prediction (JSON), and a batch. */
export const PREDICT_MAX_BYTES = 5 * 1024 * 1024;
export const BATCH_MAX_BYTES = 16 * 1024 * 1024;
/** A binary prediction body (6 Float64 columns) may carry up to MAX_CANDLES candles. */
export const PREDICT_BINARY_MAX_BYTES = MAX_CANDLES * 6 * Float64Array.BYTES_PER_ELEMENT;

/**
 * A JSON column checked and converted in one pass, straight into the Float64Array the engine
 * takes (no intermediate array per column). JSON has no NaN: a `null` value is passed on as NaN,
 * so the engine names the bad candle (INVALID_CANDLES).
 */
const column = documentedAs(
  z.unknown().transform((value, ctx): Float64Array => {
    if (!Array.isArray(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected an array of numbers (null for a missing value)',
        input: value,
      });
      return z.NEVER;
    }
    if (value.length > MAX_CANDLES) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_CANDLES} candles`, input: value });
      return z.NEVER;
    }
    const out = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (typeof x === 'number') out[i] = x;
      else if (x === null) out[i] = Number.NaN;
      else {
        ctx.addIssue({ code: 'custom', message: 'expected a number or null', path: [i], input: x });
        return z.NEVER;
      }
    }
    return out;
  }),
  z
    .array(z.number().nullable())
    .max(MAX_CANDLES)
    .describe('One value per candle; null is read as NaN (rejected as INVALID_CANDLES).'),
);

export const candleColumnsSchema = z
  .object({ time: column, open: column, high: column, low: column, close: column, volume: column })
  .strict()
  .describe('OHLCV columns of equal length; time is epoch milliseconds UTC, strictly increasing.');

export const predictOptionsSchema = z
  .object({
    model: z.string().trim().min(1).max(64).optional().describe("Version or alias; 'champion' by default."),
    minConfidence: z.number().min(0).max(1).optional(),
    labels: z
      .array(z.string().min(1).max(80))
      .max(200)
      .optional()
      .describe('Only spans with these labels (each must be one the model knows).'),
    perCandle: z.boolean().optional().describe('Also return per-candle class probabilities, entropy and margin.'),
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
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must be <= to',
    path: ['from'],
  });

/**
 * `POST /api/predict`: candles as JSON columns, or a stored dataset (optionally a time range of it).
 * The form is picked by the presence of `candles`, so errors name the fields of that form.
 */
export const predictBodySchema = documentedAs(
  z.unknown().transform((value, ctx): z.infer<typeof byCandles> | z.infer<typeof byDataset> => {
    const schema = typeof value === 'object' && value !== null && 'candles' in value ? byCandles : byDataset;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
    return z.NEVER;
  }),
  z.union([byCandles, byDataset]),
);

export const predictBatchBodySchema = z
  .object({ requests: z.array(predictBodySchema).min(1).max(MAX_BATCH_ITEMS) })
  .strict();

/**
 * The options of a binary `POST /api/predict` (`application/octet-stream`), from its query string:
 * `?model=v0003&minConfidence=0.5&labels=doji&labels=hammer&perCandle=true&minLength=2`.
 */
/** A number written in the query string, then checked by `check` (and documented as that number). */
const queryNumber = (check: z.ZodNumber) =>
  documentedAs(z.string().trim().min(1).pipe(z.coerce.number()).pipe(check), check);
export const predictQuerySchema = z
  .object({
    model: predictOptionsSchema.shape.model,
    minConfidence: queryNumber(z.number().min(0).max(1)).optional(),
    labels: predictOptionsSchema.shape.labels,
    perCandle: z
      .enum(['true', 'false', '1', '0'])
      .transform((v) => v === 'true' || v === '1')
      .optional(),
    minLength: queryNumber(z.number().int().min(1).max(10_000)).optional(),
  })
  .strict();

/** Query parameters as `predictQuerySchema` reads them: `labels` may repeat, nothing else may. */
export const predictQueryOptions = readsQueryWith(function predictQueryOptions(
  params: URLSearchParams,
): PredictOptionsInput | undefined {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    raw[key] = key === 'labels' ? values : values.length === 1 ? values[0] : values;
  }
  if (Object.keys(raw).length === 0) return undefined;
  return predictQuerySchema.parse(raw);
}, predictQuerySchema);

type ColumnName = keyof z.infer<typeof candleColumnsSchema>;
/** Candle columns as a prediction takes them: Float64Array (parsed bodies) or plain arrays (null = NaN). */
export type CandleColumnsInput = Record<ColumnName, Float64Array | ReadonlyArray<number | null>>;
export type PredictOptionsInput = z.infer<typeof predictOptionsSchema>;
export type PredictBody =
  | { candles: CandleColumnsInput; options?: PredictOptionsInput }
  | { datasetId: number; from?: number; to?: number; options?: PredictOptionsInput };
