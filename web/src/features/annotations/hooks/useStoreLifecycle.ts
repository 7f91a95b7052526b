'use client';
import { useEffect } from 'react';
import type { AnnotationStore } from '../lib/annotationStore';

/**
 * Keeps the span store honest across tabs and unloads: re-reads spans when the tab comes back
 * (another tab may have changed them), and asks before leaving while writes are pending.
 */
export function useStoreLifecycle(store: AnnotationStore): void {
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') store.refresh().catch(() => undefined);
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [store]);

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (store.getSnapshot().pendingWrites > 0) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [store]);
}
