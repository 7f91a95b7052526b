import 'server-only';
import type { Db } from '@/server/db/database';
import { getDataset, listDatasets, loadCandleColumns } from '@/features/datasets/server';
import { listAnnotations } from '@/features/annotations/server';
import { listLabels } from '@/features/labels/server';
import { resolveProject } from '@/features/projects/server';
import {
  spansToCsv,
  spansToJson,
  spansToLabelStudio,
  toSpanRecord,
  type DatasetInfo,
  type LabelStudioLayout,
} from '../lib/exportFormats';
import type { ExportQuery } from '../schemas';

export interface ExportFile {
  body: string;
  contentType: string;
  fileName: string;
}

/** How the `labelstudio` format lays out tasks for a Label Studio project (given by the caller, so
 * interchange does not depend on the Label Studio integration that itself imports interchange). */
export type LabelStudioLayoutFor = (db: Db, lsProject: string | undefined) => LabelStudioLayout;

/** Live spans (optionally one dataset's) in the requested format. */
export function exportSpans(
  db: Db,
  query: ExportQuery,
  labelStudioLayout: LabelStudioLayoutFor,
  now = Date.now(),
): ExportFile {
  const projectId =
    query.datasetId !== undefined ? getDataset(db, query.datasetId).projectId : resolveProject(db, query.projectId).id;
  const datasets = new Map<number, DatasetInfo>(listDatasets(db, projectId).map((d) => [d.id, d]));
  const labels = new Map(listLabels(db, projectId).map((l) => [l.id, l.name]));
  const annotations = listAnnotations(db, { datasetId: query.datasetId, projectId, sources: query.source });
  const records = annotations.map((a) =>
    toSpanRecord(a, datasets.get(a.datasetId)!, labels.get(a.labelId) ?? `label-${a.labelId}`),
  );
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const scope = query.datasetId !== undefined ? datasets.get(query.datasetId)!.name.replace(/[^\w.-]+/g, '_') : 'all';
  switch (query.format) {
    case 'csv':
      return {
        body: spansToCsv(records),
        contentType: 'text/csv; charset=utf-8',
        fileName: `spans-${scope}-${stamp}.csv`,
      };
    case 'labelstudio': {
      const byName = new Map([...datasets.values()].map((d) => [d.name, d]));
      const tasks = spansToLabelStudio(
        records,
        (name) => {
          const d = byName.get(name);
          return d ? loadCandleColumns(db, d.id) : null;
        },
        {
          layout: labelStudioLayout(db, query.lsProject),
          as: query.lsAs,
          completedBy: query.lsCompletedBy,
          modelVersion: query.lsModelVersion,
        },
      );
      return {
        body: JSON.stringify(tasks),
        contentType: 'application/json; charset=utf-8',
        fileName: `spans-${scope}-${stamp}.labelstudio.json`,
      };
    }
    default:
      return {
        body: JSON.stringify(spansToJson(records, now), null, 2),
        contentType: 'application/json; charset=utf-8',
        fileName: `spans-${scope}-${stamp}.json`,
      };
  }
}
