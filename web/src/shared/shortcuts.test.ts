import { describe, expect, it } from 'vitest';
import { MODEL_ACTIONS, SHORTCUTS, keyFor, keyLabel, shortcutFor, type ShortcutType } from './shortcuts';

describe('shortcutFor', () => {
  it('maps hotkeys 1–9 to labels (numpad with NumLock on too; off, it navigates)', () => {
    expect(shortcutFor({ key: '3' })).toEqual({ type: 'label', hotkey: 3 });
    expect(shortcutFor({ key: '7', code: 'Numpad7' })).toEqual({ type: 'label', hotkey: 7 });
    expect(shortcutFor({ key: 'End', code: 'Numpad1' })).toEqual({ type: 'end' });
    expect(shortcutFor({ key: '0' })).toBeNull();
  });
  it('undo / redo with Ctrl or Cmd', () => {
    expect(shortcutFor({ key: 'z', ctrlKey: true })).toEqual({ type: 'undo' });
    expect(shortcutFor({ key: 'Z', ctrlKey: true, shiftKey: true })).toEqual({ type: 'redo' });
    expect(shortcutFor({ key: 'z', metaKey: true, shiftKey: true })).toEqual({ type: 'redo' });
    expect(shortcutFor({ key: 'y', ctrlKey: true })).toEqual({ type: 'redo' });
    expect(shortcutFor({ key: '3', ctrlKey: true })).toBeNull();
  });
  it('navigation keys', () => {
    expect(shortcutFor({ key: 'ArrowLeft' })).toEqual({ type: 'pan', fraction: -0.1 });
    expect(shortcutFor({ key: 'ArrowRight', shiftKey: true })).toEqual({ type: 'pan', fraction: 0.5 });
    expect(shortcutFor({ key: '+' })).toEqual({ type: 'zoom', factor: 0.8 });
    expect(shortcutFor({ key: '-' })).toEqual({ type: 'zoom', factor: 1.25 });
    expect(shortcutFor({ key: 'Home' })).toEqual({ type: 'home' });
    expect(shortcutFor({ key: 'f' })).toEqual({ type: 'fit' });
  });
  it('ignores Alt combinations', () => {
    expect(shortcutFor({ key: '1', altKey: true })).toBeNull();
  });
});

describe('the shortcut registry', () => {
  it('binds the model tab keys A / E / X / U (any case, never with Ctrl)', () => {
    expect(shortcutFor({ key: 'a' })).toEqual({ type: 'confirm-prediction' });
    expect(shortcutFor({ key: 'E', shiftKey: true })).toEqual({ type: 'correct-prediction' });
    expect(shortcutFor({ key: 'x' })).toEqual({ type: 'dismiss-prediction' });
    expect(shortcutFor({ key: 'u' })).toEqual({ type: 'next-uncertain' });
    expect(shortcutFor({ key: 'a', ctrlKey: true })).toBeNull();
  });
  it('binds Space (held) for panning, and nothing else with it', () => {
    expect(shortcutFor({ key: ' ' })).toEqual({ type: 'pan-hold' });
    expect(shortcutFor({ key: ' ', ctrlKey: true })).toBeNull();
  });
  it('puts each action in the scope whose handler takes it (the model tab takes MODEL_ACTIONS)', () => {
    const modelActions = new Set<ShortcutType>(MODEL_ACTIONS);
    for (const s of SHORTCUTS)
      for (const b of s.bindings) expect(modelActions.has(b.action.type), `${s.keys}`).toBe(s.scope === 'model');
    const bound = new Set(SHORTCUTS.flatMap((s) => s.bindings.map((b) => b.action.type)));
    for (const action of MODEL_ACTIONS) expect(bound.has(action), action).toBe(true);
  });
  it('binds no key press twice', () => {
    const seen = new Map<string, string>();
    for (const s of SHORTCUTS)
      for (const b of s.bindings) {
        const id = `${b.mod ? 'mod+' : ''}${b.shift === undefined ? '' : b.shift ? 'shift+' : 'noshift+'}${b.key.toLowerCase()}`;
        expect(seen.get(id), `${id} bound by "${seen.get(id)}" and "${s.keys}"`).toBeUndefined();
        seen.set(id, s.keys);
      }
  });
  it('names the key of an action for buttons and titles', () => {
    expect(keyFor('confirm-prediction')).toBe('A');
    expect(keyFor('next-uncertain')).toBe('U');
    expect(keyFor('undo')).toBe('Ctrl+Z');
    expect(keyFor('redo')).toBe('Ctrl+Shift+Z');
    expect(keyFor('help')).toBe('?');
  });
  it('writes keys as the help shows them', () => {
    expect(keyLabel({ key: 'z', mod: true, shift: true, action: { type: 'redo' } })).toBe('Ctrl+Shift+Z');
    expect(keyLabel({ key: 'ArrowLeft', action: { type: 'pan', fraction: -0.1 } })).toBe('←');
    expect(keyLabel({ key: ' ', action: { type: 'pan-hold' } })).toBe('Space');
    expect(keyLabel({ key: 'f', action: { type: 'fit' } })).toBe('F');
  });
});
