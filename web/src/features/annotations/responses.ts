import { z } from 'zod';
import { DIRECTIONS, KINDS, SOURCES, type Annotation, type AnnotationChange } from './types';

/** Response schemas (zod): what the annotation routes answer (reply), documented in docs/openapi.json. */

/** UUID-shaped: a random UUID, or the id an imported span brought (span-format.md). */
const annotationId = z.guid();

export const annotationSchema = z
  .object({
    id: annotationId,
    datasetId: z.int(),
    labelId: z.int(),
    start: z.int().describe("epoch ms of the span's first candle (inclusive)"),
    end: z.int().describe("epoch ms of the span's last candle (inclusive)"),
    kind: z.enum(KINDS).describe("'negative' = a dismissed model prediction (a training negative)"),
    source: z.enum(SOURCES),
    annotator: z.string(),
    direction: z.enum(DIRECTIONS).nullable(),
    note: z.string().nullable(),
    version: z
      .int()
      .min(1)
      .describe('Optimistic-concurrency version: +1 on every write; updates and deletes must name it.'),
    createdAt: z.int(),
    updatedAt: z.int(),
  })
  .meta({
    id: 'Annotation',
    description: "A labelled, inclusive candle range. Times are snapped to the dataset's candles.",
  }) satisfies z.ZodType<Annotation>;

export const annotationChangeSchema = z
  .object({
    id: annotationId,
    before: annotationSchema.nullable(),
    after: annotationSchema.nullable(),
    version: z
      .int()
      .nullable()
      .describe("The row's version after the change (deleted rows included); null = no row at all."),
  })
  .meta({
    id: 'AnnotationChange',
    description: 'One span changed by a write; null = absent (never existed or deleted).',
  }) satisfies z.ZodType<AnnotationChange>;

export const annotationListResponse = z.object({ annotations: z.array(annotationSchema) });

export const annotationResponse = z.object({ annotation: annotationSchema });

/** A create or an update: the span after the write, and every span the write changed. */
export const annotationWriteResponse = z.object({
  annotation: annotationSchema,
  changes: z.array(annotationChangeSchema),
});

/** Results in the order of the operations (null for a delete). */
export const bulkWriteResponse = z.object({
  results: z.array(annotationSchema.nullable()),
  changes: z.array(annotationChangeSchema),
});

export const annotationDeleteResponse = z.object({ deleted: annotationId, changes: z.array(annotationChangeSchema) });
