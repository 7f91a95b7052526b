import 'server-only';
import { z } from 'zod';
import { getDb } from './db/database';
import { engineVersion } from './engine';

/** What GET /api/health answers. */
export const healthSchema = z.object({
  status: z.literal('ok'),
  engine: z.string().describe("The engine addon's version"),
});
export type Health = z.output<typeof healthSchema>;

/** Throws (→ 500) when the database cannot answer a query; otherwise reports the engine version. */
export function checkHealth(): Health {
  getDb().prepare('SELECT 1').get();
  return { status: 'ok', engine: engineVersion() };
}
