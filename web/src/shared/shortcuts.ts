/**
 * The one registry of keyboard shortcuts. Every handler (the chart workspace, the model tab)
 * resolves key presses through `shortcutFor`, and the help overlay lists `SHORTCUTS`: a key is
 * bound only by an entry here, so the help cannot miss one (shortcuts.test.ts checks it).
 */

export type ShortcutAction =
  | { type: 'pan'; fraction: number }
  | { type: 'pan-hold' }
  | { type: 'zoom'; factor: number }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'fit' }
  | { type: 'label'; hotkey: number }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'delete' }
  | { type: 'escape' }
  | { type: 'note' }
  | { type: 'prev-span' }
  | { type: 'next-span' }
  | { type: 'toggle-talib' }
  | { type: 'toggle-pan' }
  | { type: 'help' }
  | { type: 'confirm-prediction' }
  | { type: 'correct-prediction' }
  | { type: 'dismiss-prediction' }
  | { type: 'next-uncertain' };

export type ShortcutType = ShortcutAction['type'];

/** The actions the model tab handles (scope `model`); every other one is the chart's. */
export const MODEL_ACTIONS = [
  'confirm-prediction',
  'correct-prediction',
  'dismiss-prediction',
  'next-uncertain',
] as const;
export type ModelShortcutType = (typeof MODEL_ACTIONS)[number];
export type ChartShortcutType = Exclude<ShortcutType, ModelShortcutType>;

export interface KeyInput {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

/** One key press that triggers an action. */
export interface KeyBinding {
  /** `KeyboardEvent.key`; letters match either case. */
  key: string;
  /** Ctrl (or Cmd) held. */
  mod?: boolean;
  /** Shift must be held (true) or not (false); unset: either. */
  shift?: boolean;
  /** Another way to type a key the help shows (`=` for `+`, Backspace for Delete): not listed itself. */
  alias?: boolean;
  action: ShortcutAction;
}

/** Where a shortcut acts: the help lists them in these groups. */
export type ShortcutScope = 'chart' | 'model';

export interface Shortcut {
  scope: ShortcutScope;
  /** The keys as the help shows them, alternatives separated by ' / '. */
  keys: string;
  description: string;
  bindings: readonly KeyBinding[];
}

/** A help-only entry: mouse gestures, which no key handler binds. */
export interface MouseHint {
  scope: ShortcutScope;
  keys: string;
  description: string;
}

const press = (key: string, action: ShortcutAction, more: Omit<KeyBinding, 'key' | 'action'> = {}): KeyBinding => ({
  key,
  action,
  ...more,
});

export const SHORTCUTS: readonly Shortcut[] = [
  {
    scope: 'chart',
    keys: '1 – 9',
    description: 'Label the selection (or relabel the selected span)',
    // By the character typed, so the numpad works with NumLock on (and navigates with it off).
    bindings: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => press(String(n), { type: 'label', hotkey: n })),
  },
  {
    scope: 'chart',
    keys: '← →',
    description: 'Pan (Shift: faster)',
    bindings: [
      press('ArrowLeft', { type: 'pan', fraction: -0.1 }, { shift: false }),
      press('ArrowLeft', { type: 'pan', fraction: -0.5 }, { shift: true, alias: true }),
      press('ArrowRight', { type: 'pan', fraction: 0.1 }, { shift: false }),
      press('ArrowRight', { type: 'pan', fraction: 0.5 }, { shift: true, alias: true }),
    ],
  },
  {
    scope: 'chart',
    keys: '+ / −',
    description: 'Zoom in / out (mouse wheel too)',
    bindings: [
      press('+', { type: 'zoom', factor: 0.8 }),
      press('=', { type: 'zoom', factor: 0.8 }, { alias: true }),
      press('-', { type: 'zoom', factor: 1.25 }),
      press('_', { type: 'zoom', factor: 1.25 }, { alias: true }),
    ],
  },
  {
    scope: 'chart',
    keys: 'Home / End',
    description: 'Go to the first / last candle',
    bindings: [press('Home', { type: 'home' }), press('End', { type: 'end' })],
  },
  { scope: 'chart', keys: 'F', description: 'Fit all data', bindings: [press('f', { type: 'fit' })] },
  {
    scope: 'chart',
    keys: 'Space (hold) / H',
    description: 'Pan with the mouse / toggle pan mode',
    bindings: [press(' ', { type: 'pan-hold' }), press('h', { type: 'toggle-pan' })],
  },
  {
    scope: 'chart',
    keys: '[ / ]',
    description: 'Previous / next span',
    bindings: [press('[', { type: 'prev-span' }), press(']', { type: 'next-span' })],
  },
  {
    scope: 'chart',
    keys: 'N',
    description: 'Edit the note of the selected span',
    bindings: [press('n', { type: 'note' })],
  },
  {
    scope: 'chart',
    keys: 'Delete',
    description: 'Delete the selected span',
    bindings: [press('Delete', { type: 'delete' }), press('Backspace', { type: 'delete' }, { alias: true })],
  },
  {
    scope: 'chart',
    keys: 'Ctrl+Z / Ctrl+Shift+Z',
    description: 'Undo / redo',
    bindings: [
      press('z', { type: 'undo' }, { mod: true, shift: false }),
      press('z', { type: 'redo' }, { mod: true, shift: true }),
      press('y', { type: 'redo' }, { mod: true, alias: true }),
    ],
  },
  {
    scope: 'chart',
    keys: 'T',
    description: 'Show / hide the TA-Lib layer',
    bindings: [press('t', { type: 'toggle-talib' })],
  },
  { scope: 'chart', keys: 'Esc', description: 'Clear the selection', bindings: [press('Escape', { type: 'escape' })] },
  { scope: 'chart', keys: '?', description: 'This help', bindings: [press('?', { type: 'help' })] },
  {
    scope: 'model',
    keys: 'A',
    description: 'Confirm the selected prediction (it becomes a span)',
    bindings: [press('a', { type: 'confirm-prediction' })],
  },
  {
    scope: 'model',
    keys: 'E',
    description: 'Correct the selected prediction (a span to fix)',
    bindings: [press('e', { type: 'correct-prediction' })],
  },
  {
    scope: 'model',
    keys: 'X',
    description: 'Dismiss the selected prediction (a negative example)',
    bindings: [press('x', { type: 'dismiss-prediction' })],
  },
  {
    scope: 'model',
    keys: 'U',
    description: 'Show the next uncertain region (active learning)',
    bindings: [press('u', { type: 'next-uncertain' })],
  },
];

export const MOUSE_HINTS: readonly MouseHint[] = [
  { scope: 'chart', keys: 'Drag / click, Shift+click', description: 'Select candles (first, then last)' },
];

export const SCOPE_TITLES: Record<ShortcutScope, string> = { chart: 'Chart', model: 'Model tab' };

const KEY_NAMES: Record<string, string> = { ' ': 'Space', ArrowLeft: '←', ArrowRight: '→', Escape: 'Esc', '-': '−' };

/** How the help writes a binding's key: `Ctrl+Shift+Z`, `←`, `Space`, `F`. */
export function keyLabel(b: KeyBinding): string {
  const name = KEY_NAMES[b.key] ?? (b.key.length === 1 ? b.key.toUpperCase() : b.key);
  return `${b.mod ? 'Ctrl+' : ''}${b.mod && b.shift ? 'Shift+' : ''}${name}`;
}

/** The key the help shows for an action (its first binding that is not an alias), e.g. `A`, `Ctrl+Z`. */
export function keyFor(type: ShortcutType): string {
  for (const s of SHORTCUTS) for (const b of s.bindings) if (b.action.type === type && !b.alias) return keyLabel(b);
  throw new Error(`no key is bound to ${type}`);
}

const sameKey = (binding: string, pressed: string) =>
  binding.length === 1 ? binding === pressed || binding === pressed.toLowerCase() : binding === pressed;

/** The registry's binding for a key press, or null (keys typed into inputs never get here). */
export function bindingFor(e: KeyInput): { shortcut: Shortcut; binding: KeyBinding } | null {
  if (e.altKey) return null;
  const mod = !!(e.ctrlKey || e.metaKey);
  const shift = !!e.shiftKey;
  for (const shortcut of SHORTCUTS)
    for (const binding of shortcut.bindings)
      if (
        !!binding.mod === mod &&
        (binding.shift === undefined || binding.shift === shift) &&
        sameKey(binding.key, e.key)
      )
        return { shortcut, binding };
  return null;
}

/** Maps a key press to an action, or null. */
export function shortcutFor(e: KeyInput): ShortcutAction | null {
  return bindingFor(e)?.binding.action ?? null;
}
