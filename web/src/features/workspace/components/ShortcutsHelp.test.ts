import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SHORTCUTS, bindingFor, keyLabel, type KeyInput } from '@/shared/shortcuts';
import { ShortcutsHelp } from './ShortcutsHelp';

const html = renderToStaticMarkup(createElement(ShortcutsHelp, { onClose: () => undefined }));
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Whether one key as the help writes it (`1 – 9`, `← →`, `Space (hold)`) covers a binding's label. */
function covers(shown: string, label: string): boolean {
  const range = /^(\d) – (\d)$/.exec(shown);
  if (range && /^\d$/.test(label)) return Number(range[1]) <= Number(label) && Number(label) <= Number(range[2]);
  return shown === label || shown.split(' ').includes(label);
}

// Every key a keyboard types, each with every modifier combination.
const NAMED = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown', 'Delete'];
const KEYS = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
  ...NAMED,
  ...['Backspace', 'Escape', 'Enter', 'Tab', 'Insert', 'F1', 'F5', 'F11'],
];
const MODIFIERS: Array<Omit<KeyInput, 'key'>> = [
  {},
  { shiftKey: true },
  { ctrlKey: true },
  { ctrlKey: true, shiftKey: true },
  { metaKey: true },
  { altKey: true },
];

describe('ShortcutsHelp', () => {
  it('lists every key press a handler can receive, with what it does', () => {
    let bound = 0;
    for (const key of KEYS)
      for (const mods of MODIFIERS) {
        const hit = bindingFor({ key, ...mods });
        if (!hit) continue;
        bound += 1;
        const { shortcut, binding } = hit;
        expect(html, `${JSON.stringify({ key, ...mods })}: "${shortcut.description}"`).toContain(
          `<dd style="margin:0">${escape(shortcut.description)}</dd>`,
        );
        if (binding.alias) continue;
        const shown = shortcut.keys.split(' / ').find((k) => covers(k, keyLabel(binding)));
        expect(shown, `${keyLabel(binding)} is not among "${shortcut.keys}"`).toBeDefined();
        expect(html).toContain(`<kbd>${escape(shown!)}</kbd>`);
      }
    expect(bound).toBeGreaterThan(30);
  });

  it('shows the model tab keys A / E / X / U', () => {
    for (const k of ['A', 'E', 'X', 'U']) expect(html).toContain(`<kbd>${k}</kbd>`);
    expect(html).toContain('Model tab');
  });

  it('lists no key that nothing binds', () => {
    for (const s of SHORTCUTS)
      for (const shown of s.keys.split(' / '))
        expect(
          s.bindings.some((b) => !b.alias && covers(shown, keyLabel(b))),
          `"${shown}" of "${s.keys}"`,
        ).toBe(true);
  });
});
