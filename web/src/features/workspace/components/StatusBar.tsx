'use client';
import type { Ref } from 'react';
import { ViewInfo, type ViewInfoHandle } from './ViewInfo';

/** The status bar: the basic gestures, the view's range, the overlap policy, the last save error. */
export function StatusBar(props: {
  viewInfoRef: Ref<ViewInfoHandle>;
  timeframe: string | null;
  overlapPolicy: string | undefined;
  saveError: string | null;
}) {
  return (
    <footer className="statusbar">
      <span>
        <kbd>drag</kbd> select · <kbd>1</kbd>–<kbd>9</kbd> label · <kbd>Space</kbd>+drag pan · <kbd>?</kbd> help
      </span>
      <ViewInfo ref={props.viewInfoRef} timeframe={props.timeframe} />
      <span className="spacer" />
      <span>overlaps: {props.overlapPolicy === 'split' ? 'split older span' : 'allowed'}</span>
      {props.saveError ? <span className="error-text">{props.saveError}</span> : null}
    </footer>
  );
}
