import 'server-only';
import { getDb } from './db/database';
import { engineVersion } from './engine';

export interface Health {
  status: 'ok';
  engine: string;
}

/** Throws (→ 500) when the database cannot answer a query; otherwise reports the engine version. */
export function checkHealth(): Health {
  getDb().prepare('SELECT 1').get();
  return { status: 'ok', engine: engineVersion() };
}
