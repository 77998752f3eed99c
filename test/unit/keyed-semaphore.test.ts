/** Finding 4: the per-tenant gate in front of bcrypt bounds each tenant's concurrency and queue, and never another tenant's. */
import { describe, expect, it } from 'vitest';
import { KeyedSemaphore, QueueFullError } from '../../src/util/keyed-semaphore.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('finding 4: KeyedSemaphore (per-tenant password hashing gate)', () => {
  it('finding 4: runs at most 2 tasks per key, queues a bounded number, and leaves other keys free', async () => {
    const gate = new KeyedSemaphore(2, 2);
    const blockers = [deferred(), deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const task = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await blockers[i]!.promise;
      running--;
      return i;
    };
    const busy = [0, 1, 2, 3].map((i) => gate.run('tenant-a', task(i)));
    await Promise.resolve();
    expect(gate.load('tenant-a')).toEqual({ running: 2, waiting: 2 });
    await expect(gate.run('tenant-a', async () => 'overflow')).rejects.toBeInstanceOf(QueueFullError);

    // Another tenant is not behind tenant-a's queue.
    expect(await gate.run('tenant-b', async () => 'b')).toBe('b');

    for (const b of blockers) b.resolve();
    expect(await Promise.all(busy)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(gate.load('tenant-a')).toEqual({ running: 0, waiting: 0 });
  });

  it('finding 4: a failing task releases its slot', async () => {
    const gate = new KeyedSemaphore(1, 1);
    await expect(gate.run('t', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run('t', async () => 'next')).toBe('next');
    expect(gate.load('t')).toEqual({ running: 0, waiting: 0 });
  });
});
