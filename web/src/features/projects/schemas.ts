import { z } from 'zod';
import { OVERLAP_POLICIES } from './types';

export const projectIdQuery = z.object({
  projectId: z.coerce.number().int().positive().optional(),
});

export const projectPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    overlapPolicy: z.enum(OVERLAP_POLICIES).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'Nothing to change: give name or overlapPolicy.' });
