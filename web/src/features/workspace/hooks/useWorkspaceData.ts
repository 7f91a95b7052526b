'use client';
import { useCallback, useMemo } from 'react';
import { useResource } from '@/shared/useResource';
import { datasetsApi } from '@/features/datasets';
import { labelsApi, type Label } from '@/features/labels';
import { projectApi } from '@/features/projects';
import { colorForName } from '@/features/autolabel';

/**
 * What the workspace reads from the server besides spans and candles: the datasets, the labels
 * (with lookups), the project settings; and `ensureLabel`, which creates the app label a model
 * suggests when there is none of that name.
 */
export function useWorkspaceData() {
  const datasets = useResource(datasetsApi.list);
  const labelsRes = useResource(labelsApi.list);
  const project = useResource(projectApi.get);
  const labels = useMemo(() => labelsRes.data ?? [], [labelsRes.data]);
  const labelsById = useMemo(() => new Map(labels.map((l) => [l.id, l])), [labels]);
  const datasetNames = useMemo(() => new Map((datasets.data ?? []).map((d) => [d.id, d.name])), [datasets.data]);
  const reloadLabels = labelsRes.reload;

  /** The app label of a given name, created (from a model's suggestion) when there is none. */
  const ensureLabel = useCallback(
    async (name: string): Promise<Label> => {
      const existing = labels.find((l) => l.name === name);
      if (existing) return existing;
      const created = await labelsApi.create({
        name,
        color: colorForName(name),
        hotkey: null,
        description: 'Created from a model suggestion.',
      });
      await reloadLabels();
      return created;
    },
    [labels, reloadLabels],
  );

  return { datasets, project, labels, labelsById, datasetNames, reloadLabels, ensureLabel };
}
