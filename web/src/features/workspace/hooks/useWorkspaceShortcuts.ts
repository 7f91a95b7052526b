'use client';
import { useEffect, useRef } from 'react';
import type { ChartController } from '@/features/chart';
import { useShortcuts, type ChartShortcutHandlers } from '@/shared/useShortcuts';

/**
 * The chart's keyboard shortcuts (the registry in shared/shortcuts.ts) and holding Space to pan:
 * Space down arms panning through `pan-hold`; releasing it, or leaving the window, disarms it.
 */
export function useWorkspaceShortcuts(
  controller: ChartController | null,
  handlers: Omit<ChartShortcutHandlers, 'pan-hold'>,
) {
  const controllerRef = useRef(controller);
  controllerRef.current = controller;
  useShortcuts({ ...handlers, 'pan-hold': () => controller?.setSpaceHeld(true) });
  useEffect(() => {
    const release = () => controllerRef.current?.setSpaceHeld(false);
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === ' ') release();
    };
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', release);
    return () => {
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', release);
    };
  }, []);
}
