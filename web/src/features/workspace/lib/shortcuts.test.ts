import { describe, expect, it } from 'vitest';
import { isTypingTarget, shortcutFor } from './shortcuts';

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

describe('isTypingTarget', () => {
  it('recognises text fields', () => {
    expect(isTypingTarget({ tagName: 'INPUT' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
  it('a focused checkbox or slider keeps only the keys that operate it', () => {
    const checkbox = { tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget;
    const slider = { tagName: 'INPUT', type: 'range' } as unknown as EventTarget;
    expect(isTypingTarget(checkbox, 'a')).toBe(false);
    expect(isTypingTarget(checkbox, '3')).toBe(false);
    expect(isTypingTarget(checkbox, ' ')).toBe(true);
    expect(isTypingTarget(slider, 'ArrowLeft')).toBe(true);
    expect(isTypingTarget(slider, 'u')).toBe(false);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget, 'a')).toBe(true);
    expect(isTypingTarget({ tagName: 'SELECT' } as unknown as EventTarget, 'a')).toBe(true);
  });
});
