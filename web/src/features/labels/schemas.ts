import { z } from 'zod';

const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'colour must be #rrggbb')
  .transform((c) => c.toLowerCase());
const hotkey = z.number().int().min(1, 'hotkey must be 1–9').max(9, 'hotkey must be 1–9').nullable();
const name = z.string().trim().min(1, 'name is required').max(60, 'name is at most 60 characters');
const description = z.string().trim().max(500);

export const labelCreateSchema = z
  .object({
    name,
    color,
    hotkey: hotkey.optional(),
    description: description.optional(),
  })
  .strict();

export const labelPatchSchema = z
  .object({
    name: name.optional(),
    color: color.optional(),
    hotkey: hotkey.optional(),
    description: description.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'Nothing to change.' });

export const labelIdParams = z.object({ id: z.coerce.number().int().positive() });

export const labelDeleteQuery = z
  .object({
    spans: z.enum(['delete', 'reassign']).optional(),
    reassignTo: z.coerce.number().int().positive().optional(),
  })
  .refine((q) => q.spans !== 'reassign' || q.reassignTo !== undefined, {
    message: 'reassignTo is required when spans=reassign',
    path: ['reassignTo'],
  });

export type LabelCreate = z.infer<typeof labelCreateSchema>;
export type LabelPatch = z.infer<typeof labelPatchSchema>;
