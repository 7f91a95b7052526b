import 'server-only';
import { getDb } from './db/database';
import { defaultProject } from '@/features/projects/server';
import { ensureDemoDatasets } from '@/features/datasets/server';
import { recoverInterruptedJobs } from '@/features/training/server';
import { describeModel } from '@/features/models/server';
import { ensureAdmin } from './auth/firstRun';
import { authConfig } from './auth/config';

/** Ends the process when single-user mode is asked for on an interface other than loopback. */
export function refuseUnsafeAuthConfig(): void {
  const refusal = authConfig().refusal;
  if (!refusal) return;
  console.error(`[auth] ${refusal}. Bind to 127.0.0.1 (the default) or sign-in stays on; see docs/security.md.`);
  process.exit(2);
}

/**
 * Runs once when the server starts (instrumentation.ts): opens the database (migrations),
 * makes sure an admin can sign in (server/auth/firstRun.ts), marks training jobs the previous
 * server process left running as failed, creates the default project and seeds the demo datasets
 * on the first start, then opens the model registry (which removes staging folders of killed
 * trainings) and says which model serves. Failures are logged, not fatal: the API reports them
 * per request.
 */
export async function prepareOnStartup(): Promise<void> {
  try {
    const db = getDb();
    await ensureAdmin(db);
    const interrupted = recoverInterruptedJobs(db);
    if (interrupted)
      console.log(`[startup] ${interrupted} training job(s) were running when the server stopped: marked failed`);
    const project = defaultProject(db);
    const added = await ensureDemoDatasets(db, project.id);
    if (added) console.log(`[startup] seeded ${added} demo datasets from data/samples`);
  } catch (error) {
    console.error('[startup] could not prepare the database:', error);
  }
  await reportServingModel();
}

async function reportServingModel(): Promise<void> {
  try {
    const info = await describeModel('champion');
    if (info.fallback) return; // describeModel has logged the fallback
    console.log(`[startup] serving model ${info.version} (champion)`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'NO_MODEL') console.log('[startup] no model trained yet');
    else
      console.error(
        `[startup] no model can be served (${code ?? 'error'}); predictions will fail until one is trained`,
      );
  }
}
