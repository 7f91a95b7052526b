import { z } from 'zod';
import { PRESET_NAMES } from './lib/presets';

/** `POST /api/training`: a preset, one dataset (absent = all datasets), TA-Lib mixing (default on). */
export const trainingStartSchema = z
  .object({
    preset: z.enum(PRESET_NAMES as [string, ...string[]]).transform((p) => p as (typeof PRESET_NAMES)[number]),
    datasetId: z.number().int().positive().optional(),
    includeTalib: z.boolean().optional(),
    minExamples: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const jobIdParams = z.object({ id: z.uuid('training job ids are UUIDs') });

export type TrainingStart = z.infer<typeof trainingStartSchema>;
