import { z } from 'zod';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

export const datasetIdParams = z.object({ id: z.coerce.number().int().positive() });

/** Query of `POST /api/datasets` (the body is the raw CSV file). */
export const uploadQuerySchema = z.object({
  projectId: z.coerce.number().int().positive().optional(),
  name: optionalText(120),
  fileName: optionalText(255),
  symbol: optionalText(40),
  timeframe: optionalText(20),
  onInvalidRow: z.enum(['fail', 'skip']).default('fail'),
  /** The reading of the file when detection is not wanted or cannot decide (docs/import.md). */
  timeFormat: optionalText(40),
  dayFirst: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  decimal: z.enum(['.', ',']).optional(),
  thousands: z
    .enum([',', '.', ' ', "'", 'none'])
    .optional()
    .transform((v) => (v === 'none' ? '' : v)),
  /** A preview's `stagedId`: store the file that preview parsed instead of reading a body. */
  staged: z.uuid().optional(),
});

/** Query of `POST /api/datasets/preview`: the upload's, less `staged` (a preview reads its body). */
export const previewQuerySchema = uploadQuerySchema.omit({ staged: true });

export const datasetPatchSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(120).optional(),
    symbol: z.string().trim().max(40).nullable().optional(),
    timeframe: z.string().trim().max(20).nullable().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'Nothing to change: give name, symbol or timeframe.' });

export const MAX_POINTS_LIMIT = 200_000;

export const candleQuerySchema = z
  .object({
    from: z.coerce.number().int().optional(),
    to: z.coerce.number().int().optional(),
    maxPoints: z.coerce.number().int().min(2).max(MAX_POINTS_LIMIT).default(5000),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must be <= to',
    path: ['from'],
  });

export type UploadQuery = z.infer<typeof uploadQuerySchema>;
export type PreviewQuery = z.infer<typeof previewQuerySchema>;
export type DatasetPatch = z.infer<typeof datasetPatchSchema>;
