'use client';
import { useEffect, useState } from 'react';
import { labelStudioApi } from '../api';

/** How often the count of open sync problems is read again. */
const POLL_MS = 60_000;

/**
 * The number of Label Studio events that could not be applied (the Sync tab's badge), polled;
 * `setOpen` takes a fresher count (from the Sync panel after a retry).
 */
export function useSyncProblemCount(): [number, (open: number) => void] {
  const [open, setOpen] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () =>
      labelStudioApi
        .problems()
        .then((r) => live && setOpen(r.open))
        .catch(() => undefined);
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return [open, setOpen];
}
