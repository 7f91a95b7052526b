import 'server-only';
import type { Db } from '@/server/db/database';
import type { SimilarReportView, SimilarRunView } from '../types';

/** Searches kept per project (older ones are dropped as new ones are stored). */
const KEPT_PER_PROJECT = 20;

interface RunRow {
  id: number;
  dataset_id: number;
  label_id: number | null;
  query_start: number;
  query_end: number;
  options: string;
  report: string;
  created_at: number;
}

/** Stores a search's labelling-function report (one transaction with the pruning of old ones). */
export function saveRun(
  db: Db,
  run: {
    projectId: number;
    datasetId: number;
    labelId: number | null;
    start: number;
    end: number;
    options: unknown;
    report: SimilarReportView;
  },
): number {
  return db
    .transaction(() => {
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO similar_runs (project_id, dataset_id, label_id, query_start, query_end, options, report, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          run.projectId,
          run.datasetId,
          run.labelId,
          run.start,
          run.end,
          JSON.stringify(run.options),
          JSON.stringify(run.report),
          Date.now(),
        );
      db.prepare(
        `DELETE FROM similar_runs WHERE project_id = ? AND id NOT IN
           (SELECT id FROM similar_runs WHERE project_id = ? ORDER BY id DESC LIMIT ?)`,
      ).run(run.projectId, run.projectId, KEPT_PER_PROJECT);
      return Number(lastInsertRowid);
    })
    .immediate();
}

/** The latest searches (newest first, one per label) whose results reach the dataset. */
export function runsForDataset(db: Db, datasetId: number, limit = 5): SimilarRunView[] {
  const rows = db
    .prepare(
      `SELECT r.* FROM similar_runs r JOIN datasets d ON d.project_id = r.project_id
       WHERE d.id = ? ORDER BY r.id DESC`,
    )
    .all(datasetId) as RunRow[];
  const seen = new Set<string>();
  const out: SimilarRunView[] = [];
  for (const r of rows) {
    const report = JSON.parse(r.report) as SimilarReportView;
    const here = report.perDataset.find((d) => d.datasetId === datasetId);
    const key = report.label ?? '';
    if (!here || seen.has(key)) continue;
    seen.add(key);
    out.push({
      id: r.id,
      queryDatasetId: r.dataset_id,
      labelId: r.label_id,
      start: r.query_start,
      end: r.query_end,
      createdAt: r.created_at,
      report,
      dataset: { count: here.count, coverage: here.coverage },
    });
    if (out.length === limit) break;
  }
  return out;
}
