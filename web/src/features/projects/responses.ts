import { z } from 'zod';
import { OVERLAP_POLICIES, type Project } from './types';

/** Response schemas (zod): what the project routes answer (reply), documented in docs/openapi.json. */

export const projectSchema = z
  .object({
    id: z.int(),
    name: z.string(),
    overlapPolicy: z
      .enum(OVERLAP_POLICIES)
      .describe('What a new or resized human span does to an older overlapping one: keep both, or split the older.'),
    createdAt: z.int(),
    updatedAt: z.int(),
  })
  .meta({ id: 'Project' }) satisfies z.ZodType<Project>;

export const projectResponse = z.object({ project: projectSchema });
