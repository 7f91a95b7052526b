import { z } from 'zod';
import { jobCoreSchema } from '@/server/jobs/jobSchema';
import { metricsSummarySchema } from '@/features/models/server';
import { PRESET_NAMES } from './lib/presets';
import type { TrainingJob } from './server/trainingJobs';

/** Response schemas (zod): what the training routes answer (reply), documented in docs/openapi.json. */

export const trainingJobSchema = jobCoreSchema
  .extend({
    preset: z.enum(PRESET_NAMES),
    datasetIds: z.array(z.int()),
    includeTalib: z.boolean(),
    spans: z.object({ exported: z.int(), negatives: z.int(), dropped: z.int() }),
    outcome: z
      .object({
        version: z.string(),
        modelType: z.string(),
        metrics: metricsSummarySchema,
        championMoved: z.boolean(),
        champion: z.string().nullable(),
        rounds: z.unknown().optional(),
        warnings: z.unknown().optional(),
      })
      .nullable()
      .describe('The new registry version and its metrics, once succeeded.'),
  })
  .meta({
    id: 'TrainingJob',
    description:
      "A training run. Jobs are stored in SQLite: finished ones are listed across server restarts; one that was running when the server stopped is 'failed' with SERVER_RESTARTED.",
  }) satisfies z.ZodType<TrainingJob>;

export const trainingJobListResponse = z.object({ jobs: z.array(trainingJobSchema) });

export const trainingJobResponse = z.object({ job: trainingJobSchema });
