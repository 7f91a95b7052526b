import { describe, expect, it } from 'vitest';
import { ApiError } from '@/server/http/apiError';
import { LARGE_UPLOAD_BYTES, UploadGate } from './uploadGate';

const LARGE = LARGE_UPLOAD_BYTES + 1;

/** A piece of work that finishes when told to, recording when it starts. */
function job(log: string[], name: string) {
  let finish!: (value: string) => void;
  const done = new Promise<string>((resolve) => (finish = resolve));
  return {
    work: () => {
      log.push(`start ${name}`);
      return done;
    },
    finish: () => finish(name),
  };
}

/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('UploadGate', () => {
  it('runs large uploads one at a time, in the order they came', async () => {
    const gate = new UploadGate();
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => job(log, n));
    const results = [gate.run(LARGE, a.work), gate.run(LARGE, b.work), gate.run(null, c.work)];
    await settle();
    expect(log).toEqual(['start a']);
    expect(gate.load).toEqual({ running: 1, waiting: 2 });
    a.finish();
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    await settle();
    c.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('lets small uploads through while a large one runs', async () => {
    const gate = new UploadGate();
    const log: string[] = [];
    const big = job(log, 'big');
    const running = gate.run(LARGE, big.work);
    expect(await gate.run(LARGE_UPLOAD_BYTES, async () => 'small')).toBe('small');
    expect(await gate.run(0, async () => 'empty')).toBe('empty');
    big.finish();
    expect(await running).toBe('big');
  });

  it('refuses a large upload with 503 and Retry-After when the queue is full', async () => {
    const gate = new UploadGate(1);
    const log: string[] = [];
    const [a, b] = ['a', 'b'].map((n) => job(log, n));
    const first = gate.run(LARGE, a.work);
    const second = gate.run(LARGE, b.work);
    const refused = gate.run(LARGE, async () => 'never');
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({
      status: 503,
      code: 'UPLOADS_BUSY',
      headers: { 'Retry-After': '15' },
    });
    expect(log).toEqual(['start a']);
    a.finish();
    await settle();
    b.finish();
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
  });

  it('hands the turn on when an upload fails', async () => {
    const gate = new UploadGate();
    const failing = gate.run(LARGE, async () => {
      await settle();
      throw new Error('bad file');
    });
    const after = gate.run(LARGE, async () => 'next');
    await expect(failing).rejects.toThrow('bad file');
    expect(await after).toBe('next');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });
});
