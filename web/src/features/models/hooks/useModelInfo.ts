'use client';
import { useResource } from '@/shared/useResource';
import { modelsApi } from '../api';
import type { ModelInfo } from '../types';

/**
 * The model card (metrics, plots) of `modelRef` while `open`; read again when the version that
 * answers changes (a new champion). Null while closed, loading the first time, or unreadable.
 */
export function useModelInfo(modelRef: string, open: boolean, answeringVersion: string | null): ModelInfo | null {
  const res = useResource<ModelInfo | null>(
    () => (open ? modelsApi.info(modelRef) : Promise.resolve(null)),
    `${open}|${modelRef}|${answeringVersion}`,
  );
  return res.error ? null : (res.data ?? null);
}
