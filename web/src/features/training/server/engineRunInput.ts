import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { databasePath, type Db } from '@/server/db/database';
import { ApiError } from '@/server/http/apiError';
import { webRoot } from '@/server/paths';
import { listAnnotations } from '@/features/annotations/server';
import type { Annotation } from '@/features/annotations';
import { loadCandleColumns, getDataset, listDatasets } from '@/features/datasets/server';
import type { Dataset } from '@/features/datasets';
import { listLabels } from '@/features/labels/server';
import { resolveProject } from '@/features/projects/server';
import { modelsDir } from '@/features/models/server';
import { seriesIdOf, toEngineSpans, type EngineExport } from '../lib/engineExport';
import { PRESETS, buildTrainingConfig, type PresetName } from '../lib/presets';

export interface EngineRunRequest {
  preset: PresetName;
  /** One dataset; absent = every dataset of the project that has candles. */
  datasetId?: number;
  includeTalib?: boolean;
  minExamples?: number;
}

/** What an engine pipeline run (training, a label-error run) reads: files in a work folder and the config naming them. */
export interface EngineRunInput {
  config: Record<string, unknown>;
  /** The repository root the config's relative paths resolve against. */
  rootDir: string;
  workDir: string;
  datasets: Dataset[];
  /** The app's spans of those datasets, as they were when the run started. */
  annotations: Annotation[];
  labelNames: Map<number, string>;
  talibLabels: string[];
  exported: EngineExport;
  includeTalib: boolean;
  /** Removes the work folder. */
  cleanup: () => void;
}

export const repoRoot = () => path.resolve(/*turbopackIgnore: true*/ webRoot(), '..');

/**
 * Where runs' work folders go: `work/` beside the database. Not the system's temp folder: a big
 * dataset's CSVs take gigabytes, /tmp may be memory, and a folder there outlives a server that died
 * mid-run with nothing to find it.
 */
export function workRoot(): string {
  return path.join(path.dirname(databasePath()), 'work');
}

// Work folders last modified before this process started belong to a run whose server died (a run
// removes its own folder when it ends, whatever the outcome).
const processStartedAt = Date.now() - process.uptime() * 1000;
let leftoversSwept = false;

/** Removes the work folders that earlier server processes left behind; once per process. */
function sweepLeftoverWorkFolders(root: string): void {
  if (leftoversSwept) return;
  leftoversSwept = true;
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = path.join(/*turbopackIgnore: true*/ root, entry.name);
    // A run of this process may end (and remove its folder) meanwhile: no entry is no error.
    const modified = fs.statSync(folder, { throwIfNoEntry: false })?.mtimeMs;
    if (modified !== undefined && modified < processStartedAt) fs.rmSync(folder, { recursive: true, force: true });
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A dataset's stored candles as a CSV the engine's importer reads (ISO UTC times). */
function writeSeriesCsv(db: Db, datasetId: number, file: string): number {
  const c = loadCandleColumns(db, datasetId);
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < c.time.length; i++)
    lines.push(
      `${iso(c.time[i])},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${Number.isFinite(c.volume[i]) ? c.volume[i] : 0}`,
    );
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return c.time.length;
}

/**
 * Exports the CURRENT spans of one dataset (or all datasets) as an engine span file, positives and
 * negatives, and the candles as CSVs, into a fresh work folder; returns the pipeline config over them.
 */
export function prepareEngineRun(db: Db, request: EngineRunRequest, folderPrefix: string): EngineRunInput {
  const project = resolveProject(
    db,
    request.datasetId !== undefined ? getDataset(db, request.datasetId).projectId : undefined,
  );
  const datasets =
    request.datasetId !== undefined
      ? [getDataset(db, request.datasetId)]
      : listDatasets(db, project.id).filter((d) => d.candleCount > 0);
  if (!datasets.length) throw new ApiError(400, 'NO_DATA', 'There is no dataset to run on.');
  const labelNames = new Map(listLabels(db, project.id).map((l) => [l.id, l.name]));
  const includeTalib = request.includeTalib ?? true;
  const talibLabels: string[] = includeTalib ? [...PRESETS[request.preset].talib] : [];
  const annotations = datasets.flatMap((d) => listAnnotations(db, { datasetId: d.id }));
  const exported = toEngineSpans(annotations, new Map(datasets.map((d) => [d.id, d])), labelNames, talibLabels);

  const root = workRoot();
  fs.mkdirSync(root, { recursive: true });
  sweepLeftoverWorkFolders(root);
  const workDir = fs.mkdtempSync(path.join(/*turbopackIgnore: true*/ root, folderPrefix));
  const cleanup = () => fs.rmSync(workDir, { recursive: true, force: true });
  try {
    const series = datasets.map((d) => {
      const file = path.join(workDir, `${seriesIdOf(d.id)}.csv`);
      writeSeriesCsv(db, d.id, file);
      return { path: file, symbol: seriesIdOf(d.id) };
    });
    let annotationsFile: string | null = null;
    if (exported.annotations.length) {
      annotationsFile = path.join(workDir, 'spans.json');
      fs.writeFileSync(annotationsFile, JSON.stringify({ annotations: exported.annotations }, null, 1));
    }
    const config = buildTrainingConfig({
      preset: request.preset,
      series,
      annotationsFile,
      includeTalib,
      minExamples: request.minExamples ?? 1,
      outputDir: path.join(workDir, 'dataset'),
      registryRoot: modelsDir(),
    });
    return {
      config,
      rootDir: repoRoot(),
      workDir,
      datasets,
      annotations,
      labelNames,
      talibLabels,
      exported,
      includeTalib,
      cleanup,
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** An engine error message without the work folder's absolute paths. */
export function withoutWorkPaths(message: string): string {
  return message.replace(/\/[\w./-]+\/(ds\d+\.csv|spans\.json)/g, '$1');
}
