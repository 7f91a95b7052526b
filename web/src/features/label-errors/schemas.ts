import { z } from 'zod';
import { PRESET_NAMES } from '@/features/training';

/** `POST /api/label-errors`: the model preset, one dataset (absent = all), TA-Lib mixing (default off), folds (default 5). */
export const labelErrorRunStartSchema = z
  .object({
    preset: z
      .enum(PRESET_NAMES as [string, ...string[]])
      .default('fast')
      .transform((p) => p as (typeof PRESET_NAMES)[number]),
    datasetId: z.number().int().positive().optional(),
    includeTalib: z.boolean().optional(),
    folds: z.number().int().min(2).max(10).optional(),
  })
  .strict();

export const runIdParams = z.object({ id: z.uuid('label-error run ids are UUIDs') });

/**
 * `POST /api/label-errors/{id}/reviews`: a person looked at a flagged span and keeps its label
 * (`kept`), or takes that back (`open`). Relabelled and removed spans need no record: the span
 * itself shows it, and undo works on it.
 */
export const reviewSchema = z
  .object({
    annotationId: z.string().trim().min(1).max(100),
    decision: z.enum(['kept', 'open']),
  })
  .strict();

export type LabelErrorRunStart = z.infer<typeof labelErrorRunStartSchema>;
export type ReviewInput = z.infer<typeof reviewSchema>;
