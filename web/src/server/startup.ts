import 'server-only';
import { getDb } from './db/database';
import { defaultProject } from '@/features/projects/server/projectRepository';
import { ensureDemoDatasets } from '@/features/datasets/server/demoDatasets';
import { recoverInterruptedJobs } from '@/features/training/server/trainingJobs';

/**
 * Runs once when the server starts (instrumentation.ts): opens the database (migrations),
 * marks training jobs the previous server process left running as failed, creates the default
 * project and seeds the demo datasets on the first start. Failures are logged, not fatal: the API
 * reports them per request.
 */
export async function prepareOnStartup(): Promise<void> {
  try {
    const db = getDb();
    const interrupted = recoverInterruptedJobs(db);
    if (interrupted) console.log(`[startup] ${interrupted} training job(s) were running when the server stopped: marked failed`);
    const project = defaultProject(db);
    const added = await ensureDemoDatasets(db, project.id);
    if (added) console.log(`[startup] seeded ${added} demo datasets from data/samples`);
  } catch (error) {
    console.error('[startup] could not prepare the database:', error);
  }
}
