'use client';
import { Dialog } from '@/shared/ui/Dialog';
import { SHORTCUT_HELP } from '../lib/shortcuts';

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard and mouse" onClose={onClose} testId="shortcuts-help">
      <dl className="help-grid">
        {SHORTCUT_HELP.map(([keys, what]) => (
          <div key={keys} style={{ display: 'contents' }}>
            <dt>
              {keys.split(' / ').map((k, i) => (
                <span key={k}>
                  {i ? ' / ' : ''}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd style={{ margin: 0 }}>{what}</dd>
          </div>
        ))}
      </dl>
      <p className="muted" style={{ margin: 0 }}>
        Drag a span&rsquo;s edge to resize it. The mouse wheel zooms; drag the time axis to scale; hold <kbd>Space</kbd> and drag to pan.
      </p>
    </Dialog>
  );
}
