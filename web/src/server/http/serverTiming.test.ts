import { describe, expect, test } from 'vitest';
import { ServerTiming } from './serverTiming';

describe('ServerTiming', () => {
  test('lists phases in the order measured, with their durations', async () => {
    const timing = new ServerTiming();
    expect(timing.measure('parse', () => 42)).toBe(42);
    await timing.measureAsync('wait', () => new Promise((resolve) => setTimeout(resolve, 30)));
    const phases = timing.header().split(', ');
    expect(phases.map((p) => p.split(';')[0])).toEqual(['parse', 'wait']);
    const waited = Number(/dur=([\d.]+)/.exec(phases[1])![1]);
    expect(waited).toBeGreaterThanOrEqual(25);
  });

  test('a phase that throws is still recorded, and the error passes through', async () => {
    const timing = new ServerTiming();
    expect(() =>
      timing.measure('store', () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    await expect(timing.measureAsync('import', () => Promise.reject(new Error('bad csv')))).rejects.toThrow('bad csv');
    expect(timing.header()).toMatch(/^store;dur=[\d.]+, import;dur=[\d.]+$/);
  });

  test('no phases, empty header', () => {
    expect(new ServerTiming().header()).toBe('');
  });
});
