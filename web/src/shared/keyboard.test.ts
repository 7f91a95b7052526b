import { describe, expect, it } from 'vitest';
import { isTypingTarget } from './keyboard';

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
