/** Finding 4: the per-tenant gate in front of bcrypt bounds each tenant's concurrency and queue, and never another tenant's. */
import { describe, expect, it } from 'vitest';
import { KeyedSemaphore, QueueFullError } from '../../src/util/keyed-semaphore.js';
import { FairGate } from '../../src/util/fair-gate.js';

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

describe('finding 4: FairGate (per-tenant gate, then a global gate below the thread pool)', () => {
  it('finding 4 (review 4): two flooding tenants never run more than the global limit, and a quiet tenant waits behind at most 2 tasks per flooding tenant', async () => {
    const gate = new FairGate(2, 100, 3);
    const running = new Map<string, number>();
    const peaks = new Map<string, number>();
    let runningTotal = 0;
    let peakTotal = 0;
    const started: Array<{ name: string; finish: () => void }> = [];
    const task = (tenant: string, name: string) => async () => {
      const release = deferred();
      running.set(tenant, (running.get(tenant) ?? 0) + 1);
      peaks.set(tenant, Math.max(peaks.get(tenant) ?? 0, running.get(tenant)!));
      peakTotal = Math.max(peakTotal, ++runningTotal);
      started.push({ name, finish: release.resolve });
      await release.promise;
      running.set(tenant, running.get(tenant)! - 1);
      runningTotal--;
      return name;
    };
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    const all: Array<Promise<string>> = [];
    for (let i = 0; i < 10; i++) for (const tenant of ['a', 'b']) all.push(gate.run(tenant, task(tenant, `${tenant}${i}`)));
    await settle();
    expect(started).toHaveLength(3);
    expect(gate.load('a').key.running + gate.load('b').key.running).toBe(4);

    const startedBeforeQuiet = started.length;
    all.push(gate.run('c', task('c', 'quiet')));
    // Finish tasks one at a time, oldest first, until every task has run.
    for (let finished = 0; finished < 21; finished++) {
      await settle();
      started[finished]!.finish();
    }
    expect(await Promise.all(all)).toHaveLength(21);

    expect(peakTotal).toBe(3);
    expect(peaks.get('a')).toBeLessThanOrEqual(2);
    expect(peaks.get('b')).toBeLessThanOrEqual(2);
    const quietAt = started.findIndex((s) => s.name === 'quiet');
    // Between the quiet tenant's arrival and its start, at most 2 tasks of each flooding tenant started.
    expect(quietAt - startedBeforeQuiet).toBeLessThanOrEqual(2 * 2);
    expect(gate.load('a')).toEqual({ key: { running: 0, waiting: 0 }, global: { running: 0, waiting: 0 } });
  });

  it('finding 4 (review 4): the per-tenant queue stays bounded behind the global gate', async () => {
    const gate = new FairGate(2, 1, 1);
    const block = deferred();
    const busy = [0, 1, 2].map(() => gate.run('a', () => block.promise));
    await Promise.resolve();
    await expect(gate.run('a', async () => undefined)).rejects.toBeInstanceOf(QueueFullError);
    block.resolve();
    await Promise.all(busy);
  });
});
