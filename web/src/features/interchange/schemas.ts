import { z } from 'zod';
import { annotationListQuery } from '@/features/annotations/server';
import { EXPORT_FORMATS } from './lib/exportFormats';
import { IMPORT_FORMATS } from './lib/importFormats';

/**
 * The annotation list's filters, plus the output format. For `labelstudio`: `lsProject` (the
 * Label Studio project whose labeling config names the keys; default: the project set up last,
 * else the documented default config), `lsAs` (annotations or predictions), `lsCompletedBy`
 * (`annotator`: emails and Label Studio user ids from the spans' annotators; or a Label Studio user id; absent: the importing user), `lsModelVersion`.
 */
export const exportQuerySchema = annotationListQuery.extend({
  format: z.enum(EXPORT_FORMATS).default('json'),
  lsProject: z.string().trim().min(1).max(200).optional(),
  lsAs: z.enum(['annotations', 'predictions']).default('annotations'),
  lsCompletedBy: z
    .union([z.literal('annotator'), z.string().regex(/^\d{1,12}$/, 'a Label Studio user id or "annotator"')])
    .transform((v) => (v === 'annotator' ? ('annotator' as const) : Number(v)))
    .optional(),
  lsModelVersion: z.string().trim().min(1).max(100).default('candle-annotator'),
});

export const importQuerySchema = z.object({
  format: z.enum(IMPORT_FORMATS).default('auto'),
  datasetId: z.coerce.number().int().positive().optional(),
  projectId: z.coerce.number().int().positive().optional(),
  timeUnit: z.enum(['auto', 'ms', 's', 'index']).default('auto'),
  createLabels: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  annotator: z.string().trim().min(1).max(80).optional(),
});

export type ExportQuery = z.infer<typeof exportQuerySchema>;
export type ImportQuery = z.infer<typeof importQuerySchema>;
