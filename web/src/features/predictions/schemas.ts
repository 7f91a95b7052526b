import { z } from 'zod';

const epochMs = z.number().int('times are integer epoch milliseconds').min(-8.64e15).max(8.64e15);
/** A concrete registry version as a prediction reports it (`model.version`), not an alias: the champion moves. */
const modelVersion = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((v) => !['champion', 'latest'].includes(v.toLowerCase()), 'give the model version the prediction reported, not an alias');

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
