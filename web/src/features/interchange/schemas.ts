import { z } from 'zod';
import { annotationListQuery } from '@/features/annotations/schemas';
import { EXPORT_FORMATS } from './lib/exportFormats';
import { IMPORT_FORMATS } from './lib/importFormats';

/** The annotation list's filters, plus the output format. */
export const exportQuerySchema = annotationListQuery.extend({
  format: z.enum(EXPORT_FORMATS).default('json'),
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
