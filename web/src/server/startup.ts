import 'server-only';
import { getDb } from './db/database';
import { defaultProject } from '@/features/projects/server/projectRepository';
import { ensureDemoDatasets } from '@/features/datasets/server/demoDatasets';

/**
 * Runs once when the server starts (instrumentation.ts): opens the database (migrations),
 * creates the default project and seeds the demo datasets on the first start. Failures are
 * logged, not fatal: the API reports them per request.
 */
export async function prepareOnStartup(): Promise<void> {
  try {
    const db = getDb();
    const project = defaultProject(db);
    const added = await ensureDemoDatasets(db, project.id);
    if (added) console.log(`[startup] seeded ${added} demo datasets from data/samples`);
  } catch (error) {
    console.error('[startup] could not prepare the database:', error);
  }
}
