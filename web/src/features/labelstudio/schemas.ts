import { z } from 'zod';

/**
 * Body limits: `/predict` may carry inline series for many tasks (Label Studio sends every
 * selected task in one call; file-URL tasks are small, inline ones are not).
 */
export const LS_PREDICT_MAX_BYTES = 64 * 1024 * 1024;
export const LS_WEBHOOK_MAX_BYTES = 8 * 1024 * 1024;
export const LS_SETUP_MAX_BYTES = 1024 * 1024;
/** Tasks one /predict call may carry (the body limit binds first for inline series). */
export const MAX_TASKS = 100_000;

/** Label Studio's project uid, "<id>.<created_at seconds>" (a bare id is accepted too). */
const projectUid = z.union([z.number(), z.string().trim().min(1).max(200)]).transform((p) => String(p));

/** A Label Studio task as sent to the ML backend: `data` is all we need (id for naming). */
export const lsTaskSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  data: z.record(z.string(), z.unknown()),
});

/** `POST /setup`: label_studio_ml's contract (`schema` is the label config XML). */
export const lsSetupSchema = z.looseObject({
  project: projectUid.optional(),
  schema: z
    .string()
    .min(1)
    .max(256 * 1024),
  hostname: z.string().max(2000).optional(),
  access_token: z.string().max(2000).optional(),
  model_version: z.string().max(200).nullable().optional(),
  extra_params: z.unknown().optional(),
});

/** `POST /train` (Label Studio without its webhook-training flag): the project and its tasks. */
export const lsTrainSchema = z.looseObject({
  project: projectUid.optional(),
  annotations: z.array(z.unknown()).optional(),
  label_config: z.string().optional(),
});

/** `POST /job_status`: the job id /train or START_TRAINING answered. */
export const lsJobStatusSchema = z.looseObject({
  job: z.union([z.string().min(1).max(100), z.number()]).transform(String),
});

/** Our own options, in the request's `params` (Label Studio sends `params.context` etc. there too). */
const paramsSchema = z.looseObject({
  model: z.string().trim().min(1).max(64).optional(),
  minConfidence: z.number().min(0).max(1).optional(),
});

/** `POST /predict`: `project` is "<id>.<timestamp>" in Label Studio's calls. */
export const lsPredictSchema = z.looseObject({
  tasks: z.array(lsTaskSchema).min(1).max(MAX_TASKS),
  label_config: z
    .string()
    .min(1)
    .max(256 * 1024)
    .optional(),
  project: projectUid.optional(),
  model_version: z.string().max(200).nullable().optional(),
  params: paramsSchema.nullable().optional(),
});

const completedBy = z.union([
  z.number(),
  z.string(),
  z.looseObject({ id: z.number().optional(), email: z.string().optional(), username: z.string().optional() }),
]);

export const lsAnnotationSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  result: z.array(z.looseObject({ type: z.string().optional() })).max(100_000),
  completed_by: completedBy.nullable().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  was_cancelled: z.boolean().optional(),
});

/** A Label Studio id (annotation, task): an integer, or its text; kept as text. */
const lsId = z
  .union([
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z
      .string()
      .trim()
      .regex(/^\d{1,19}$/, 'a Label Studio id is a non-negative integer'),
  ])
  .transform((id) => String(id));

/** ANNOTATIONS_DELETED's `annotations` / TASKS_DELETED's `tasks`: `[{ id }, ...]`. */
export const lsIdListSchema = z.array(z.looseObject({ id: lsId })).max(100_000);

/**
 * Label Studio webhooks: `project` is an object `{ id, label_config, ... }` (an id is accepted
 * too); each action's own part (`annotation`, `annotations`, `tasks`...) is checked by its handler.
 */
export const lsWebhookSchema = z.looseObject({
  action: z.string().min(1).max(100),
  project: z
    .union([
      z.number(),
      z.string(),
      z.looseObject({
        id: z.number().optional(),
        label_config: z.string().optional(),
        created_at: z.string().optional(),
      }),
    ])
    .nullable()
    .optional(),
  annotation: z.unknown().optional(),
  annotations: z.unknown().optional(),
  task: z.unknown().optional(),
  tasks: z.unknown().optional(),
});

export type LsSetup = z.infer<typeof lsSetupSchema>;
export type LsPredict = z.infer<typeof lsPredictSchema>;
export type LsTask = z.infer<typeof lsTaskSchema>;
export type LsAnnotation = z.infer<typeof lsAnnotationSchema>;
export type LsWebhook = z.infer<typeof lsWebhookSchema>;
export type LsTrain = z.infer<typeof lsTrainSchema>;

/** `GET /api/ls/problems`. */
export const syncProblemsQuerySchema = z.object({
  all: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const syncProblemIdSchema = z.object({ id: z.coerce.number().int().positive() });
