'use client';
import { useCallback, useEffect, useState } from 'react';
import { STRIP_DEFAULTS, STRIP_KEY, parseStripSettings, type StripSettings } from '../lib/stripSettings';

/** The confidence strip's settings, saved in localStorage on every change. */
export function useStripSettings(): [StripSettings, (patch: Partial<StripSettings>) => void] {
  const [settings, setSettings] = useState<StripSettings>(STRIP_DEFAULTS);
  // Read after mount (the panel is also rendered on the server, without localStorage).
  useEffect(() => setSettings(parseStripSettings(localStorage.getItem(STRIP_KEY))), []);
  const update = useCallback((patch: Partial<StripSettings>) => {
    setSettings((current) => {
      const next = { ...current, ...patch };
      localStorage.setItem(STRIP_KEY, JSON.stringify(next));
      return next;
    });
  }, []);
  return [settings, update];
}
