import { z } from 'zod';
import { annotationChangeSchema } from '@/features/annotations/server';
import { spanImportReportSchema } from '@/features/interchange/server';
import { modelFallbackSchema } from '@/features/models/server';
import type { LsRegion, LsTaskFailure, LsTaskPrediction, TrainingStartResponse } from './server/mlBackend';
import type { AnnotationResult, WebhookResponse } from './server/webhookEvents';
import type { SyncProblem } from './types';

/** Response schemas (zod): what the Label Studio routes answer (reply), documented in docs/openapi.json. */

export const lsRegionSchema = z
  .object({
    id: z.string(),
    from_name: z.string(),
    to_name: z.string(),
    type: z.literal('timeserieslabels'),
    origin: z.literal('prediction'),
    value: z.object({
      start: z.number().describe('epoch ms of the first candle'),
      end: z.number().describe('epoch ms of the last candle'),
      instant: z.boolean(),
      timeserieslabels: z.array(z.string()),
    }),
    score: z.number(),
  })
  .meta({ id: 'LsRegion' }) satisfies z.ZodType<LsRegion>;

export const lsTaskPredictionSchema = z
  .object({ result: z.array(lsRegionSchema), score: z.number(), model_version: z.string() })
  .meta({ id: 'LsTaskPrediction' }) satisfies z.ZodType<LsTaskPrediction>;

const changesField = z
  .array(annotationChangeSchema)
  .describe('Every span the event changed (before/after), as the annotation write routes report them');

/** What one annotation event did. */
const annotationResultVariants = [
  z.object({ status: z.literal('ignored'), action: z.string(), reason: z.string() }),
  z.object({
    status: z.literal('stored'),
    action: z.string(),
    datasetId: z.int(),
    report: spanImportReportSchema,
    sync: z.object({
      lsAnnotationId: z
        .string()
        .nullable()
        .describe(
          'The Label Studio annotation id; null when the annotation had none (its spans are then stored untracked, like a file import)',
        ),
      created: z.int().min(0).describe('New spans'),
      updated: z.int().min(0).describe('Spans moved, relabelled or restored to match their region'),
      deleted: z.int().min(0).describe('Spans whose region is gone'),
      unchanged: z.int().min(0).describe('Regions whose span already matched (same id and version)'),
      duplicates: z
        .int()
        .min(0)
        .describe(
          'Regions equal to a span the annotation does not own (e.g. drawn in the app): not stored twice, not taken over',
        ),
    }),
    changes: changesField,
  }),
  z.object({
    status: z.literal('deleted'),
    action: z.string(),
    annotations: z
      .array(z.string())
      .describe('The Label Studio annotation ids (of those concerned) whose spans were tracked here'),
    deleted: z.int().min(0).describe('Spans deleted (a span another Label Studio annotation still owns is kept)'),
    changes: changesField,
  }),
] as const;
const annotationResultSchema = z.union(annotationResultVariants) satisfies z.ZodType<AnnotationResult>;

/** A training start (START_TRAINING, /train): the job, or why none started. */
export const lsTrainResponse = z.union([
  z.object({
    status: z.literal('started'),
    job: z.string().describe("The training job's id (Label Studio stores it as the job id)"),
    training: z.object({ id: z.string(), state: z.string(), preset: z.string() }),
  }),
  z.object({ status: z.literal('not_started'), code: z.string(), reason: z.string() }),
]) satisfies z.ZodType<TrainingStartResponse>;

const annotationField = { annotation: z.string().nullable() };

export const lsWebhookResponseSchema = z
  .union([
    annotationResultSchema,
    ...lsTrainResponse.options.map((start) => start.extend({ action: z.string() })),
    z.object({
      status: z.literal('bulk'),
      action: z.string(),
      applied: z.int().min(0),
      failed: z.int().min(0),
      items: z
        .array(
          z.union([
            ...annotationResultVariants.map((result) => result.extend(annotationField)),
            z.object({
              status: z.literal('failed'),
              ...annotationField,
              code: z.string(),
              message: z.string(),
              problemId: z.int().describe('The stored sync problem'),
            }),
          ]),
        )
        .describe('Per annotation, in order: its result, or why it failed (stored as a sync problem)'),
    }),
  ])
  .meta({ id: 'LsWebhookResponse' }) satisfies z.ZodType<WebhookResponse>;

export const lsTaskFailureSchema = z
  .object({
    task: z.union([z.number(), z.string()]).nullable(),
    error: z.object({
      code: z
        .string()
        .describe(
          'LS_TASK_DATA_MISSING, LS_SETUP_REQUIRED, LS_TASK_FILE_UNREACHABLE, LS_TASK_FILE_REFUSED, LS_TASK_FILE_TOO_LARGE, LS_TASK_FILE_INVALID, INVALID_CANDLES, TOO_FEW_CANDLES, NO_MODEL, MODEL_NOT_FOUND, NOT_FOUND, INTERNAL',
        ),
      message: z.string(),
    }),
  })
  .meta({
    id: 'LsTaskFailure',
    description: 'A task whose prediction failed; the other tasks are served.',
  }) satisfies z.ZodType<LsTaskFailure>;

export const lsSyncProblemSchema = z
  .object({
    id: z.int(),
    action: z.string(),
    project: z.string().nullable(),
    task: z.string().nullable(),
    annotation: z.string().nullable(),
    code: z.string(),
    message: z.string(),
    attempts: z.int().min(1),
    receivedAt: z.int(),
    lastTriedAt: z.int(),
    resolvedAt: z.int().nullable(),
    resolution: z.enum(['applied', 'dismissed']).nullable(),
  })
  .meta({ id: 'LsSyncProblem' }) satisfies z.ZodType<SyncProblem>;

/** `/health`: 200 UP or DEGRADED (another version answered), 503 DOWN (no version can be served). */
export const lsHealthResponse = z.object({
  status: z.enum(['UP', 'DEGRADED', 'DOWN']),
  model_class: z.string().describe('CandlePatternModel'),
  model_version: z.string().nullable(),
  fallback: modelFallbackSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional().describe('Why it is DOWN'),
});

export const lsJobStatusResponse = z.object({
  job: z.string(),
  job_status: z.string().describe('started, finished or failed'),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  version: z.string().nullable(),
});

export const lsPredictResponse = z.object({
  results: z.array(z.union([lsTaskPredictionSchema, lsTaskFailureSchema])),
  model_version: z.string().nullable(),
});

export const lsSyncProblemsResponse = z.object({ problems: z.array(lsSyncProblemSchema), open: z.int().min(0) });

export const lsSyncProblemResponse = z.object({ problem: lsSyncProblemSchema });

/** The problem after the retry (`resolvedAt` set when it applied), and what the event did. */
export const lsRetryResponse = z.object({ problem: lsSyncProblemSchema, result: lsWebhookResponseSchema.optional() });

export const lsSetupResponse = z.object({ model_version: z.string().describe("the champion's, or 'untrained'") });

export const lsVersionsResponse = z.object({ versions: z.array(z.string()), model_version: z.string().nullable() });
