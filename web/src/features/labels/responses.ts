import { z } from 'zod';
import type { Label } from './types';

/** Response schemas (zod): what the label routes answer (reply), documented in docs/openapi.json. */

export const labelSchema = z
  .object({
    id: z.int(),
    projectId: z.int(),
    name: z.string(),
    color: z.string().regex(/^#[0-9a-f]{6}$/),
    hotkey: z.int().min(1).max(9).nullable(),
    description: z.string(),
    spanCount: z.int().describe('Live spans carrying this label, in all datasets.'),
    createdAt: z.int(),
    updatedAt: z.int(),
  })
  .meta({ id: 'Label' }) satisfies z.ZodType<Label>;

export const labelListResponse = z.object({ labels: z.array(labelSchema) });

export const labelResponse = z.object({ label: labelSchema });

export const labelDeleteResponse = z.object({ deleted: z.int(), deletedSpans: z.int(), reassignedSpans: z.int() });
