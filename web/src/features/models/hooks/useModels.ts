'use client';
import { useMemo } from 'react';
import { useResource } from '@/shared/useResource';
import { modelsApi } from '../api';

// No registry yet (or it cannot be read) is an empty list: the tab then offers training.
const listOrEmpty = () => modelsApi.list().catch(() => []);

/** The registered model versions and the champion among them. */
export function useModels() {
  const res = useResource(listOrEmpty);
  const models = useMemo(() => res.data ?? [], [res.data]);
  const champion = models.find((m) => m.aliases.includes('champion')) ?? null;
  return { models, champion, reload: res.reload };
}
