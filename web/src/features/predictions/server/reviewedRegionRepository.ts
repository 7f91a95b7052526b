import 'server-only';
import type { Db } from '@/server/db/database';
import { badRequest } from '@/server/http/apiError';
import { getDataset } from '@/features/datasets/server';
import type { ReviewedRegion } from '../types';
import type { ReviewedRegionCreate } from '../schemas';

interface ReviewedRegionRow {
  candle_index: number;
  start_time: number;
  end_time: number;
  reviewed_at: number;
}

const toRegion = (r: ReviewedRegionRow): ReviewedRegion => ({
  candleIndex: r.candle_index,
  startTime: r.start_time,
  endTime: r.end_time,
  reviewedAt: r.reviewed_at,
});

/** The regions reviewed in a dataset for one model version, in the order they were reviewed (404 for an unknown dataset). */
export function listReviewedRegions(db: Db, datasetId: number, modelVersion: string): ReviewedRegion[] {
  getDataset(db, datasetId);
  const rows = db
    .prepare(
      'SELECT candle_index, start_time, end_time, reviewed_at FROM reviewed_regions WHERE dataset_id = ? AND model_version = ? ORDER BY reviewed_at, candle_index',
    )
    .all(datasetId, modelVersion) as ReviewedRegionRow[];
  return rows.map(toRegion);
}

/**
 * Records a reviewed region. Idempotent: reviewing the same candle again keeps the first record
 * (`created` false). A candle index past the dataset's end is a 400.
 */
export function markReviewed(
  db: Db,
  datasetId: number,
  input: ReviewedRegionCreate,
): { region: ReviewedRegion; created: boolean } {
  const dataset = getDataset(db, datasetId);
  if (input.candleIndex >= dataset.candleCount) {
    throw badRequest(
      'OUT_OF_RANGE',
      `candleIndex ${input.candleIndex} is past the dataset's last candle (it has ${dataset.candleCount}).`,
    );
  }
  const { changes } = db
    .prepare(
      `INSERT INTO reviewed_regions (dataset_id, model_version, candle_index, start_time, end_time, reviewed_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
    .run(datasetId, input.modelVersion, input.candleIndex, input.startTime, input.endTime, Date.now());
  const row = db
    .prepare(
      'SELECT candle_index, start_time, end_time, reviewed_at FROM reviewed_regions WHERE dataset_id = ? AND model_version = ? AND candle_index = ?',
    )
    .get(datasetId, input.modelVersion, input.candleIndex) as ReviewedRegionRow;
  return { region: toRegion(row), created: changes > 0 };
}

/** Forgets the regions reviewed in a dataset for one model version (start the round again). Returns how many were removed. */
export function clearReviewed(db: Db, datasetId: number, modelVersion: string): number {
  getDataset(db, datasetId);
  return db
    .prepare('DELETE FROM reviewed_regions WHERE dataset_id = ? AND model_version = ?')
    .run(datasetId, modelVersion).changes;
}
