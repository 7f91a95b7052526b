import { z } from 'zod';
import type { JobCore } from './backgroundJobs';

/** What every stored background job answers with (training runs, label-error runs): extend it per job. */
export const jobCoreSchema = z.object({
  id: z.uuid(),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  stage: z
    .string()
    .describe(
      "The engine's current stage while running ('queued', …, 'cancelling'); 'done', 'failed' or 'cancelled' at the end.",
    ),
  fraction: z.number().min(0).max(1),
  startedAt: z.int(),
  finishedAt: z.int().nullable(),
  error: z
    .object({
      code: z.string().meta({ examples: ['CANCELLED', 'SERVER_RESTARTED', 'TRAINING_FAILED'] }),
      message: z.string(),
    })
    .nullable()
    .describe('Why it failed or was cancelled. SERVER_RESTARTED: the server stopped while the job ran.'),
}) satisfies z.ZodType<JobCore>;
