'use client';
import { useEffect, useRef } from 'react';
import { isTypingTarget } from './keyboard';
import {
  shortcutFor,
  type ChartShortcutType,
  type ModelShortcutType,
  type ShortcutAction,
  type ShortcutType,
} from './shortcuts';

/** What a component does for the shortcuts it owns; actions it has no handler for pass through. */
export type ShortcutHandlers = {
  [T in ShortcutType]?: (action: Extract<ShortcutAction, { type: T }>) => void;
};

/** A handler for every chart action (the type fails to check when a new one has none). */
export type ChartShortcutHandlers = Required<Pick<ShortcutHandlers, ChartShortcutType>>;
/** A handler for every model-tab action. */
export type ModelShortcutHandlers = Required<Pick<ShortcutHandlers, ModelShortcutType>>;

/**
 * Listens for the registry's shortcuts (`shortcuts.ts`) on the window while mounted. Key presses
 * that belong to a form control or arrive while a dialog is open are left alone. `handlers` is
 * read at key-press time, so it may close over the latest state.
 */
export function useShortcuts(handlers: ChartShortcutHandlers | ModelShortcutHandlers): void {
  const latest = useRef<ShortcutHandlers>(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target, e.key) || document.querySelector('.dialog')) return;
      const action = shortcutFor(e);
      const handle = action && (latest.current[action.type] as ((a: ShortcutAction) => void) | undefined);
      if (!action || !handle) return;
      e.preventDefault();
      handle(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
