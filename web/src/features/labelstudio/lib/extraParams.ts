import { z } from 'zod';

/**
 * The ML backend's `extra_params` (Label Studio: *Model → Edit → Extra params*, a JSON object sent
 * with /setup): checked once into this type; an unknown key is an error, not silently ignored.
 * - `min_confidence` (0–1): regions below it are not predicted;
 * - `labels`: only these labels (names or a comma-separated string), on top of the config's;
 * - `model`: a registry version or alias to predict with instead of the champion.
 */
export interface ExtraParams {
  minConfidence?: number;
  labels?: string[];
  model?: string;
}

const labelList = z
  .union([z.array(z.string().trim().min(1).max(80)).max(200), z.string().max(8000)])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

const extraParamsSchema = z
  .object({
    min_confidence: z.number().min(0).max(1).optional(),
    minConfidence: z.number().min(0).max(1).optional(),
    labels: labelList.optional(),
    model: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

export class ExtraParamsError extends Error {}

/** Label Studio sends `null`, an object, or (older versions) a JSON string. */
export function parseExtraParams(value: unknown): ExtraParams {
  let raw = value;
  if (raw === null || raw === undefined || raw === '') return {};
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new ExtraParamsError('extra_params is not a JSON object.');
    }
  }
  const parsed = extraParamsSchema.safeParse(raw);
  if (!parsed.success)
    throw new ExtraParamsError(
      `extra_params: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ')} (accepted keys: min_confidence, labels, model).`,
    );
  const { min_confidence, minConfidence, labels, model } = parsed.data;
  const out: ExtraParams = {};
  const confidence = min_confidence ?? minConfidence;
  if (confidence !== undefined) out.minConfidence = confidence;
  if (labels?.length) out.labels = labels;
  if (model) out.model = model;
  return out;
}
