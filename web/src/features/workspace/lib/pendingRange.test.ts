import { describe, expect, it } from 'vitest';
import { PendingRange } from './pendingRange';

describe('PendingRange', () => {
  it('starts empty and notifies each subscriber when the range changes', () => {
    const pending = new PendingRange();
    const seen: Array<{ start: number; end: number } | null> = [];
    const unsubscribe = pending.subscribe(() => seen.push(pending.get()));
    expect(pending.get()).toBeNull();
    pending.set({ start: 10, end: 20 });
    pending.set(null);
    expect(seen).toEqual([{ start: 10, end: 20 }, null]);
    unsubscribe();
    pending.set({ start: 1, end: 2 });
    expect(seen).toHaveLength(2);
  });

  it('keeps the same snapshot, and stays silent, when the same range is set again', () => {
    const pending = new PendingRange();
    let calls = 0;
    pending.subscribe(() => calls++);
    pending.set({ start: 5, end: 9 });
    const first = pending.get();
    pending.set({ start: 5, end: 9 });
    pending.set(null);
    pending.set(null);
    expect(calls).toBe(2);
    pending.set({ start: 5, end: 9 });
    expect(pending.get()).not.toBe(first);
    expect(pending.get()).toEqual(first);
  });

  it('lets a listener unsubscribe while being notified without skipping the others', () => {
    const pending = new PendingRange();
    const order: string[] = [];
    const unsubscribeA = pending.subscribe(() => {
      order.push('a');
      unsubscribeA();
    });
    pending.subscribe(() => order.push('b'));
    pending.set({ start: 1, end: 1 });
    pending.set({ start: 2, end: 2 });
    expect(order).toEqual(['a', 'b', 'b']);
  });
});
