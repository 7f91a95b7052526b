import { z } from 'zod';

/** A registry version (`v0003`) or alias (`champion`, `latest`). */
const versionOrAlias = z.string().trim().min(1).max(64);

/** `GET /api/model/info?model=`: a version or alias, `champion` by default. */
export const modelInfoQuerySchema = z.object({ model: versionOrAlias.default('champion') });
/** `GET /api/model-plot?model=&name=`: a plot file (by name) of a version or alias. */
export const plotQuerySchema = z.object({
  model: versionOrAlias.default('champion'),
  name: z.string().min(1).max(200),
});
/** `POST /api/training/promote`: the version the `champion` alias should name. */
export const promoteSchema = z.object({ version: versionOrAlias }).strict();
