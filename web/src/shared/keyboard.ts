/**
 * Keyboard helpers shared by every panel with shortcuts (the chart workspace, the model panel):
 * whether a key press belongs to a form control rather than to the shortcuts.
 */
// Controls that take no typed text. They keep focus after a click, and a focused checkbox must
// not swallow A / X / U / 1–9; only the keys that operate the control (Space toggles, arrows move
// a slider) stay with it.
const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'color', 'file', 'image']);
const CONTROL_KEYS = new Set([
  ' ',
  'Enter',
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'PageUp',
  'PageDown',
]);

/** Whether a key pressed in `target` belongs to it rather than to the chart's shortcuts (no key: any key). */
export function isTypingTarget(target: EventTarget | null, key?: string): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'INPUT' && NON_TEXT_INPUTS.has(((el as HTMLInputElement).type || 'text').toLowerCase()))
    return key === undefined || CONTROL_KEYS.has(key);
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}
