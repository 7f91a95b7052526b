'use client';
import { useSyncExternalStore } from 'react';
import type { CandleRange, PendingRange } from '../lib/pendingRange';

/** The range being labelled; the calling component re-renders when it changes. */
export function usePendingRange(pending: PendingRange): CandleRange | null {
  return useSyncExternalStore(pending.subscribe, pending.get, pending.get);
}
