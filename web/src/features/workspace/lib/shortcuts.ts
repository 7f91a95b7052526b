export type ShortcutAction =
  | { type: 'pan'; fraction: number }
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
  | { type: 'help' };

export interface KeyInput {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

/** The keyboard map (also listed in the help overlay). */
export const SHORTCUT_HELP: ReadonlyArray<[string, string]> = [
  ['Drag / click, Shift+click', 'Select candles (first, then last)'],
  ['1 – 9', 'Label the selection (or relabel the selected span)'],
  ['← →', 'Pan (Shift: faster)'],
  ['+ / −', 'Zoom in / out (mouse wheel too)'],
  ['Home / End', 'Go to the first / last candle'],
  ['F', 'Fit all data'],
  ['Space (hold) / H', 'Pan with the mouse / toggle pan mode'],
  ['[ / ]', 'Previous / next span'],
  ['N', 'Edit the note of the selected span'],
  ['Delete', 'Delete the selected span'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'Undo / redo'],
  ['T', 'Show / hide the TA-Lib layer'],
  ['Esc', 'Clear the selection'],
  ['?', 'This help'],
];

/** Maps a key press to an action, or null (keys typed into inputs never get here). */
export function shortcutFor(e: KeyInput): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key;
  if (mod && !e.altKey) {
    const k = key.toLowerCase();
    if (k === 'z') return e.shiftKey ? { type: 'redo' } : { type: 'undo' };
    if (k === 'y') return { type: 'redo' };
    return null;
  }
  if (e.altKey) return null;
  // By the character typed, so the numpad works with NumLock on (and navigates with it off).
  if (/^[1-9]$/.test(key)) return { type: 'label', hotkey: Number(key) };
  switch (key) {
    case 'ArrowLeft':
      return { type: 'pan', fraction: e.shiftKey ? -0.5 : -0.1 };
    case 'ArrowRight':
      return { type: 'pan', fraction: e.shiftKey ? 0.5 : 0.1 };
    case '+':
    case '=':
      return { type: 'zoom', factor: 0.8 };
    case '-':
    case '_':
      return { type: 'zoom', factor: 1.25 };
    case 'Home':
      return { type: 'home' };
    case 'End':
      return { type: 'end' };
    case 'f':
    case 'F':
      return { type: 'fit' };
    case 'Delete':
    case 'Backspace':
      return { type: 'delete' };
    case 'Escape':
      return { type: 'escape' };
    case 'n':
    case 'N':
      return { type: 'note' };
    case '[':
      return { type: 'prev-span' };
    case ']':
      return { type: 'next-span' };
    case 't':
    case 'T':
      return { type: 'toggle-talib' };
    case 'h':
    case 'H':
      return { type: 'toggle-pan' };
    case '?':
      return { type: 'help' };
    default:
      return null;
  }
}

/** True when the key press is aimed at a text field (shortcuts stay out of the way). */
// Controls that take no typed text. They keep focus after a click, and a focused checkbox must
// not swallow A / X / U / 1–9; only the keys that operate the control (Space toggles, arrows move
// a slider) stay with it.
const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'color', 'file', 'image']);
const CONTROL_KEYS = new Set([' ', 'Enter', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

/** Whether a key pressed in `target` belongs to it rather than to the chart's shortcuts (no key: any key). */
export function isTypingTarget(target: EventTarget | null, key?: string): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'INPUT' && NON_TEXT_INPUTS.has(((el as HTMLInputElement).type || 'text').toLowerCase())) return key === undefined || CONTROL_KEYS.has(key);
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}
