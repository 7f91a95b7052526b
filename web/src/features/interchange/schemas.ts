import { z } from 'zod';
import { SOURCES } from '@/features/annotations/types';
import { EXPORT_FORMATS } from './lib/exportFormats';
import { IMPORT_FORMATS } from './lib/importFormats';

export const exportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default('json'),
  datasetId: z.coerce.number().int().positive().optional(),
  projectId: z.coerce.number().int().positive().optional(),
  source: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()) : undefined))
    .pipe(z.array(z.enum(SOURCES)).optional()),
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
