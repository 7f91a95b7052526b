import { z } from 'zod';

export const autoLabelRequestSchema = z
  .object({
    patterns: z.array(z.string().trim().min(1).max(60)).min(1, 'pick at least one pattern').max(61),
    minStrength: z
      .union([z.literal(80), z.literal(100), z.literal(200)])
      .nullable()
      .optional(),
    annotator: z.string().trim().min(1).max(80).optional(),
  })
  .strict();

export type AutoLabelRequest = z.infer<typeof autoLabelRequestSchema>;
