import { z } from 'zod';
import type { MediaReply } from '@/server/http/handler';
import { spanExportSchema } from './lib/spanRecord';
import type { SpanImportReport } from './types';

/** Response schemas (zod): what the interchange routes answer, documented in docs/openapi.json. */

export const spanImportReportSchema = z
  .object({
    format: z.string(),
    imported: z.int(),
    duplicates: z.int(),
    skipped: z.array(z.object({ position: z.int(), reason: z.string() })),
    createdLabels: z.array(z.string()),
    datasets: z.array(z.object({ id: z.int(), name: z.string(), imported: z.int() })),
  })
  .meta({ id: 'SpanImportReport' }) satisfies z.ZodType<SpanImportReport>;

/** An export: our JSON (web/docs/span-format.md), CSV, or a Label Studio import file (JSON). */
export const spanExportReply = {
  status: 200,
  content: {
    'application/json': z.union([
      spanExportSchema.meta({ id: 'SpanExport' }),
      z.array(z.record(z.string(), z.unknown())).describe('format=labelstudio: Label Studio tasks'),
    ]),
    'text/csv': null,
  },
} satisfies MediaReply;
