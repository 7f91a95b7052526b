'use client';
import { useEffect, useState } from 'react';
import { formatCount, formatPercent } from '@/shared/format';
import { similarApi } from '../api';
import type { SimilarRunView } from '../types';

/**
 * Rows for a dataset's labelling-function report table (the Auto-label tab): the latest "find
 * similar" search per label whose results reach the dataset, next to TA-Lib's patterns. Count and
 * coverage are this dataset's; overlaps, conflicts, precision and recall the whole search's.
 */
export function SimilarReportRows({ datasetId, refreshKey }: { datasetId: number; refreshKey?: unknown }) {
  const [runs, setRuns] = useState<SimilarRunView[]>([]);
  useEffect(() => {
    similarApi
      .runs(datasetId)
      .then(setRuns)
      .catch(() => setRuns([]));
  }, [datasetId, refreshKey]);
  return (
    <>
      {runs.map((r) => (
        <tr key={r.id} data-testid="similar-report-row" title="A find-similar search (Similar tab)">
          <td>similar: {r.report.label ?? '(no label)'}</td>
          <td>{formatCount(r.dataset.count)}</td>
          <td>{formatPercent(r.dataset.coverage)}</td>
          <td>{formatCount(r.report.overlaps)}</td>
          <td>{r.report.conflicts === null ? '–' : formatCount(r.report.conflicts)}</td>
          <td>{formatPercent(r.report.precision, 0)}</td>
          <td>{formatPercent(r.report.recall, 0)}</td>
        </tr>
      ))}
    </>
  );
}
