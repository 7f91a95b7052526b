import { z } from 'zod';
import { DIRECTIONS, KINDS, SOURCES } from './types';

const epochMs = z
  .number()
  .int('times are integer epoch milliseconds')
  .min(-8.64e15)
  .max(8.64e15)
  .describe('epoch milliseconds UTC');
const note = z.string().max(2000, 'a note is at most 2000 characters').nullable();
const annotator = z.string().trim().min(1).max(80);
const version = z.number().int().min(1);

export const annotationCreateSchema = z
  .object({
    id: z.uuid().optional(),
    datasetId: z.number().int().positive(),
    labelId: z.number().int().positive(),
    start: epochMs,
    end: epochMs,
    kind: z.enum(KINDS).default('positive'),
    source: z.enum(SOURCES).default('human'),
    annotator: annotator.optional(),
    direction: z.enum(DIRECTIONS).nullable().optional(),
    note: note.optional(),
  })
  .strict()
  .refine((a) => a.start <= a.end, { message: 'start must be <= end', path: ['end'] });

export const annotationPatchFields = z
  .object({
    labelId: z.number().int().positive().optional(),
    start: epochMs.optional(),
    end: epochMs.optional(),
    note: note.optional(),
    direction: z.enum(DIRECTIONS).nullable().optional(),
    source: z.enum(SOURCES).optional(),
    kind: z.enum(KINDS).optional(),
  })
  .strict();

/** PATCH /api/annotations/:id — `version` is the version the client last read. */
export const annotationPatchSchema = annotationPatchFields
  .extend({ version, annotator: annotator.optional() })
  .strict();

export const annotationStateSchema = z
  .object({
    datasetId: z.number().int().positive(),
    labelId: z.number().int().positive(),
    start: epochMs,
    end: epochMs,
    kind: z.enum(KINDS),
    source: z.enum(SOURCES),
    annotator,
    direction: z.enum(DIRECTIONS).nullable(),
    note,
  })
  .strict()
  .describe('The restorable content of a span (what undo/redo puts back).');

export const bulkOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('create'), annotation: annotationCreateSchema }).strict(),
  z.object({ op: z.literal('update'), id: z.uuid(), version, patch: annotationPatchFields }).strict(),
  z.object({ op: z.literal('delete'), id: z.uuid(), version }).strict(),
  z
    .object({
      op: z.literal('restore'),
      id: z.uuid(),
      version: version.nullable(),
      state: annotationStateSchema.nullable(),
    })
    .strict()
    .describe('Puts a span back to an exact state (null = deleted): what undo and redo send. No overlap policy.'),
]);

export const bulkRequestSchema = z
  .object({
    annotator: annotator.optional(),
    operations: z
      .array(bulkOperationSchema)
      .min(1, 'operations is empty')
      .max(5000, 'at most 5000 operations per request'),
  })
  .strict();

export const annotationIdParams = z.object({ id: z.uuid('annotation ids are UUIDs') });

export const annotationListQuery = z.object({
  datasetId: z.coerce.number().int().positive().optional(),
  projectId: z.coerce.number().int().positive().optional(),
  source: z
    .string()
    .meta({ examples: ['human,talib'] })
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()) : undefined))
    .pipe(z.array(z.enum(SOURCES)).optional()),
});

export const annotationDeleteQuery = z.object({
  version: z.coerce.number().int().min(1, 'version is required: the version you last read'),
  annotator: z.string().trim().max(80).optional(),
});

export type AnnotationCreate = z.input<typeof annotationCreateSchema>;
export type AnnotationPatch = z.infer<typeof annotationPatchFields>;
export type BulkOperation = z.infer<typeof bulkOperationSchema>;
export type BulkOperationInput = z.input<typeof bulkOperationSchema>;
