'use client';
import { Dialog } from '@/shared/ui/Dialog';
import { MOUSE_HINTS, SCOPE_TITLES, SHORTCUTS, type ShortcutScope } from '@/shared/shortcuts';

const SCOPES: ShortcutScope[] = ['chart', 'model'];

/** The help overlay: every entry of the shortcut registry, grouped by where it acts. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard and mouse" onClose={onClose} testId="shortcuts-help">
      {SCOPES.map((scope) => (
        <section key={scope} data-testid={`shortcuts-${scope}`}>
          <h4 style={{ margin: '0 0 4px' }}>{SCOPE_TITLES[scope]}</h4>
          <dl className="help-grid">
            {[...MOUSE_HINTS, ...SHORTCUTS]
              .filter((s) => s.scope === scope)
              .map(({ keys, description }) => (
                <div key={keys} style={{ display: 'contents' }}>
                  <dt>
                    {keys.split(' / ').map((k, i) => (
                      <span key={k}>
                        {i ? ' / ' : ''}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd style={{ margin: 0 }}>{description}</dd>
                </div>
              ))}
          </dl>
        </section>
      ))}
      <p className="muted" style={{ margin: 0 }}>
        Drag a span&rsquo;s edge to resize it. The mouse wheel zooms; drag the time axis to scale; hold <kbd>Space</kbd>{' '}
        and drag to pan.
      </p>
    </Dialog>
  );
}
