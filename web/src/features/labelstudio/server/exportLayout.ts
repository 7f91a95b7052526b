import 'server-only';
import type { Db } from '@/server/db/database';
import { badRequest } from '@/server/http/apiError';
import { DEFAULT_LABEL_STUDIO_LAYOUT, formatTime, type LabelStudioLayout } from '@/features/interchange';
import { columnKeys } from '../lib/taskSeries';
import { findLsProject } from './lsProjectRepository';
import { servableControl } from './mlBackend';

/**
 * How a Label Studio project reads tasks, for the `labelstudio` export: from the config the named
 * project (else the project set up last) sent to /setup, else the documented default config.
 * A project whose series is a CSV file (valueType="url") cannot take inline candles: 400.
 */
export function labelStudioLayout(db: Db, project: string | undefined): LabelStudioLayout {
  const stored = project
    ? findLsProject(db, project)
    : (db.prepare('SELECT project_uid FROM ls_projects ORDER BY updated_at DESC LIMIT 1').pluck().get() as
        string | undefined);
  const found = typeof stored === 'string' ? findLsProject(db, stored) : stored;
  if (project && !found)
    throw badRequest(
      'LS_PROJECT_UNKNOWN',
      `No Label Studio project ${project} has been set up here (connect the model in it first).`,
    );
  if (!found) return DEFAULT_LABEL_STUDIO_LAYOUT;
  const ctl = servableControl(found.labelConfig);
  if (ctl.object.valueType !== 'json')
    throw badRequest(
      'LS_EXPORT_NEEDS_JSON_CONFIG',
      `Label Studio project ${found.projectUid} reads its series from CSV files (valueType="${ctl.object.valueType ?? 'url'}"); the export writes candles inline, which needs valueType="json": name a project with an inline config (lsProject=<id>) or see docs/label-studio.md.`,
    );
  if (ctl.object.timeFormat)
    try {
      formatTime(0, ctl.object.timeFormat);
    } catch (error) {
      throw badRequest(
        'LS_EXPORT_TIME_FORMAT',
        `Label Studio project ${found.projectUid}: ${(error as Error).message}.`,
      );
    }
  return {
    fromName: ctl.fromName,
    toName: ctl.toName,
    valueKey: ctl.object.valueKey,
    columns: columnKeys(ctl.object),
    timeFormat: ctl.object.timeFormat,
  };
}
